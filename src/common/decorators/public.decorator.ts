import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { StaffRole } from '../../modules/auth/entities/staff-user.entity.js';

export const PUBLIC_KEY = 'anl:public';
export const ROLES_KEY = 'anl:roles';
export const SESSION_STAGE_KEY = 'anl:session-stage';
export const REPORTER_KEY = 'anl:reporter';

/** Reachable without a login. Every route is authenticated unless marked with this. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Only these roles may call the route (checked by the global guard). */
export const Roles = (...roles: StaffRole[]) => SetMetadata(ROLES_KEY, roles);

/**
 * Reachable by a logged-in user whose session is not complete yet: 'mfa' = password given, second
 * factor still missing (enrolment or code); 'password' = must change the one-time password first.
 */
export const AllowSessionStage = (...stages: ('mfa' | 'password')[]) =>
  SetMetadata(SESSION_STAGE_KEY, stages);

/**
 * Reachable without a staff login, but only with a reporter's mailbox token (checked by the
 * handler's service); listed as 'reporter' in the route inventory.
 */
export const ReporterAuth = () =>
  applyDecorators(SetMetadata(PUBLIC_KEY, true), SetMetadata(REPORTER_KEY, true));
