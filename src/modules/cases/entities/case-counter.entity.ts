import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The last reference number per organisation and year (row-locked while a case is opened). */
@Entity('case_counter')
export class CaseCounterEntity {
  @PrimaryColumn({ type: 'uuid', name: 'organisation_id' })
  organisationId: string;

  @PrimaryColumn({ type: 'int' })
  year: number;

  @Column({ type: 'int', name: 'last_seq' })
  lastSeq: number;
}
