import type { Lang } from '../i18n/i18n.service.js';
import type { StaffRole } from '../../modules/auth/entities/staff-user.entity.js';

/** The logged-in staff member, resolved by the global guard from the server-side session. */
export interface StaffContext {
  userId: string;
  organisationId: string;
  role: StaffRole;
  email: string;
  displayName: string;
  sessionTokenHash: string;
  mfaPassed: boolean;
  mfaEnrolled: boolean;
  mustChangePassword: boolean;
  csrfToken: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
    /** double-submit token for visitors without a staff session */
    anonCsrfToken?: string;
    staff?: StaffContext;
  }
}

export const COOKIE = {
  session: 'anl_sid',
  csrf: 'anl_csrf',
  lang: 'anl_lang',
} as const;
