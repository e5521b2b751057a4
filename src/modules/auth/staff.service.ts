import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { CryptoService } from '../crypto/crypto.service.js';
import type { StaffDirectory } from '../notifications/staff-directory.js';
import { AuthErrors } from './auth.errors.js';
import { OrganisationEntity, type OrganisationKind } from './entities/organisation.entity.js';
import { StaffUserEntity, type StaffRole } from './entities/staff-user.entity.js';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import { SessionsService } from './sessions.service.js';

/** Who performs an administrative change (for the audit trail); null actor = the CLI / system. */
export interface Actor {
  userId: string | null;
  organisationId: string | null;
}
export const SYSTEM_ACTOR: Actor = { userId: null, organisationId: null };

function audit(actor: Actor) {
  return {
    actorType: actor.userId ? ('staff' as const) : ('system' as const),
    actorId: actor.userId,
    organisationId: actor.organisationId,
  };
}

export interface CreatedUser {
  user: StaffUserEntity;
  /** only when generated: shown once, never stored in clear */
  oneTimePassword?: string;
}

/** Organisations and staff accounts. Every change is audited in its transaction. */
@Injectable()
export class StaffService implements StaffDirectory {
  private readonly logger = new Logger(StaffService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly auditService: AuditService,
    private readonly crypto: CryptoService,
    private readonly sessions: SessionsService,
  ) {}

  listOrganisations(): Promise<OrganisationEntity[]> {
    return this.db.getRepository(OrganisationEntity).find({ order: { name: 'ASC' } });
  }

  findOrganisation(id: string, manager?: EntityManager): Promise<OrganisationEntity | null> {
    return (manager ?? this.db.manager).getRepository(OrganisationEntity).findOneBy({ id });
  }

  findOrganisationByCode(code: string): Promise<OrganisationEntity | null> {
    return this.db.getRepository(OrganisationEntity).findOneBy({ code: code.toUpperCase() });
  }

  /**
   * Whose accounts an admin administers: an admin of the service centre (and the CLI) the whole
   * installation (`null`), any other organisation's admin only its own organisation's — otherwise the
   * admin of one counselling service could create an account in another and read its cases.
   */
  async administeredOrganisation(actor: Actor, manager?: EntityManager): Promise<string | null> {
    if (!actor.organisationId) return null;
    const own = await this.findOrganisation(actor.organisationId, manager);
    return own?.kind === 'service_centre' ? null : actor.organisationId;
  }

  private async assertAdministersUser(m: EntityManager, actor: Actor, userId: string): Promise<void> {
    const user = await m.getRepository(StaffUserEntity).findOneBy({ id: userId });
    if (!user) throw AuthErrors.notFound();
    await this.assertAdministers(m, actor, user.organisationId);
  }

  /** Another organisation's account is "not found" for an admin who does not administer it. */
  private async assertAdministers(m: EntityManager, actor: Actor, organisationId: string): Promise<void> {
    const scope = await this.administeredOrganisation(actor, m);
    if (scope !== null && scope !== organisationId) throw AuthErrors.notFound();
  }

  /** Organisations and installation settings: admins of the service centre only. */
  async assertInstallationAdmin(actor: Actor): Promise<void> {
    if ((await this.administeredOrganisation(actor)) !== null) throw AuthErrors.forbidden();
  }

  async createOrganisation(
    actor: Actor,
    input: { name: string; code: string; kind: OrganisationKind },
  ): Promise<OrganisationEntity> {
    await this.assertInstallationAdmin(actor);
    return this.db.transaction(async (m) => {
      const repo = m.getRepository(OrganisationEntity);
      const code = input.code.toUpperCase();
      if (await repo.existsBy({ code })) throw AuthErrors.codeTaken();
      const org = repo.create({ name: input.name.trim(), code, kind: input.kind, disabledAt: null });
      await repo.save(org);
      await this.auditService.record(m, {
        ...audit(actor),
        action: 'organisation.create',
        entityType: 'organisation',
        entityId: org.id,
      });
      return org;
    });
  }

  /** `manager`: inside a transaction, read through it — never a second pool connection while locks are held. */
  listUsers(organisationId?: string, manager?: EntityManager): Promise<StaffUserEntity[]> {
    return (manager ?? this.db.manager).getRepository(StaffUserEntity).find({
      where: organisationId ? { organisationId } : {},
      relations: { organisation: true },
      order: { email: 'ASC' },
    });
  }

  findUser(id: string): Promise<StaffUserEntity | null> {
    return this.db
      .getRepository(StaffUserEntity)
      .findOne({ where: { id }, relations: { organisation: true } });
  }

  findUserByEmail(email: string): Promise<StaffUserEntity | null> {
    return this.db.getRepository(StaffUserEntity).findOneBy({ email: email.trim().toLowerCase() });
  }

  /** Creates an account. Without a password a one-time password is generated (to be changed at first login). */
  async createUser(
    actor: Actor,
    input: { organisationId: string; email: string; displayName: string; role: StaffRole; password?: string },
    manager?: EntityManager,
  ): Promise<CreatedUser> {
    const run = async (m: EntityManager): Promise<CreatedUser> => {
      const repo = m.getRepository(StaffUserEntity);
      const email = input.email.trim().toLowerCase();
      if (await repo.existsBy({ email })) throw AuthErrors.emailTaken();
      const org = await m.getRepository(OrganisationEntity).findOneBy({ id: input.organisationId });
      if (!org) throw AuthErrors.notFound();
      await this.assertAdministers(m, actor, org.id);
      if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH)
        throw AuthErrors.weakPassword();
      const oneTimePassword = input.password === undefined ? generatePassword() : undefined;
      const user = repo.create({
        organisationId: org.id,
        email,
        displayName: input.displayName.trim(),
        role: input.role,
        passwordHash: await hashPassword(input.password ?? oneTimePassword!),
        mustChangePassword: oneTimePassword !== undefined,
        passwordChangedAt: new Date(),
        totpSecret: null,
        totpEnabledAt: null,
        totpLastStep: null,
        recoveryCodes: [],
        dataKeyId: await this.crypto.createDataKey(m),
        disabledAt: null,
      });
      await repo.save(user);
      await this.auditService.record(m, {
        ...audit(actor),
        action: 'user.create',
        entityType: 'staff_user',
        entityId: user.id,
      });
      return { user, oneTimePassword };
    };
    return manager ? run(manager) : this.db.transaction(run);
  }

  async changeRole(actor: Actor, userId: string, role: StaffRole): Promise<void> {
    await this.db.transaction(async (m) => {
      const user = await m.getRepository(StaffUserEntity).findOneBy({ id: userId });
      if (!user) throw AuthErrors.notFound();
      await this.assertAdministers(m, actor, user.organisationId);
      if (user.role === 'admin' && role !== 'admin') await this.assertNotLastAdmin(m, user.id);
      await m.getRepository(StaffUserEntity).update({ id: userId }, { role });
      // a role change takes effect at once: the user logs in again
      await this.sessions.destroyAllForUser(userId, m);
      await this.auditService.record(m, {
        ...audit(actor),
        action: 'user.change_role',
        entityType: 'staff_user',
        entityId: userId,
      });
    });
  }

  async setDisabled(actor: Actor, userId: string, disabled: boolean): Promise<void> {
    await this.db.transaction(async (m) => {
      const user = await m.getRepository(StaffUserEntity).findOneBy({ id: userId });
      if (!user) throw AuthErrors.notFound();
      await this.assertAdministers(m, actor, user.organisationId);
      if (disabled && user.role === 'admin') await this.assertNotLastAdmin(m, user.id);
      await m
        .getRepository(StaffUserEntity)
        .update({ id: userId }, { disabledAt: disabled ? new Date() : null });
      if (disabled) await this.sessions.destroyAllForUser(userId, m);
      await this.auditService.record(m, {
        ...audit(actor),
        action: disabled ? 'user.disable' : 'user.enable',
        entityType: 'staff_user',
        entityId: userId,
      });
    });
  }

  /** Removes the second factor; the user enrols again at the next login. Sessions end. */
  async resetMfa(actor: Actor, userId: string): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.assertAdministersUser(m, actor, userId);
      const result = await m
        .getRepository(StaffUserEntity)
        .update(
          { id: userId },
          { totpSecret: null, totpEnabledAt: null, totpLastStep: null, recoveryCodes: [] },
        );
      if (!result.affected) throw AuthErrors.notFound();
      await this.sessions.destroyAllForUser(userId, m);
      await this.auditService.record(m, {
        ...audit(actor),
        action: 'user.reset_mfa',
        entityType: 'staff_user',
        entityId: userId,
      });
    });
  }

  /** Sets a new one-time password (admin reset); the user must change it at the next login. */
  async resetPassword(actor: Actor, userId: string): Promise<string> {
    const password = generatePassword();
    await this.db.transaction(async (m) => {
      await this.assertAdministersUser(m, actor, userId);
      const result = await m.getRepository(StaffUserEntity).update(
        { id: userId },
        {
          passwordHash: await hashPassword(password),
          mustChangePassword: true,
          passwordChangedAt: new Date(),
        },
      );
      if (!result.affected) throw AuthErrors.notFound();
      await this.sessions.destroyAllForUser(userId, m);
      await this.auditService.record(m, {
        ...audit(actor),
        action: 'user.reset_password',
        entityType: 'staff_user',
        entityId: userId,
      });
    });
    return password;
  }

  private async assertNotLastAdmin(m: EntityManager, userId: string): Promise<void> {
    const others = await m
      .getRepository(StaffUserEntity)
      .createQueryBuilder('u')
      .where("u.role = 'admin' AND u.disabled_at IS NULL AND u.id <> :id", { id: userId })
      .getCount();
    if (others === 0) throw AuthErrors.lastAdmin();
  }

  async hasActiveAdmin(): Promise<boolean> {
    return this.db.getRepository(StaffUserEntity).existsBy({ role: 'admin', disabledAt: IsNull() });
  }

  /**
   * First start: without any admin, creates the service-centre organisation and an admin with a
   * one-time password, which the caller prints once. Safe when app and worker start together.
   */
  async ensureInitialAdmin(email: string): Promise<{ email: string; password: string } | null> {
    return this.db.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(4711001)');
      const exists = await m.getRepository(StaffUserEntity).existsBy({ role: 'admin' });
      if (exists) return null;
      let org = await m.getRepository(OrganisationEntity).findOneBy({ kind: 'service_centre' });
      if (!org) {
        org = m.getRepository(OrganisationEntity).create({
          name: 'Servicezentrum Integration',
          code: 'SZI',
          kind: 'service_centre',
          disabledAt: null,
        });
        await m.getRepository(OrganisationEntity).save(org);
        await this.auditService.record(m, {
          actorType: 'system',
          action: 'organisation.create',
          entityType: 'organisation',
          entityId: org.id,
        });
      }
      const { user, oneTimePassword } = await this.createUser(
        SYSTEM_ACTOR,
        { organisationId: org.id, email, displayName: 'Administrator', role: 'admin' },
        m,
      );
      this.logger.log('initial administrator created');
      return { email: user.email, password: oneTimePassword! };
    });
  }

  /** StaffDirectory for e-mail notifications: null for unknown or disabled accounts. */
  async contactOf(userId: string): Promise<{ email: string; lang: string } | null> {
    const user = await this.db.getRepository(StaffUserEntity).findOneBy({ id: userId, disabledAt: IsNull() });
    return user ? { email: user.email, lang: 'de' } : null;
  }
}
