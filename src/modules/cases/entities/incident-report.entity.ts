import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { IncidentEntity } from './incident.entity.js';

/** Which report describes which incident (a report belongs to at most one incident). */
@Entity('incident_report')
@Index('ix_incident_report_incident', ['incidentId'])
export class IncidentReportEntity {
  @PrimaryColumn({ type: 'uuid', name: 'report_id' })
  reportId: string;

  @Column({ type: 'uuid', name: 'incident_id' })
  incidentId: string;

  @ManyToOne(() => IncidentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'incident_id' })
  incident?: IncidentEntity;

  @Column({ type: 'uuid', name: 'organisation_id' })
  organisationId: string;
}
