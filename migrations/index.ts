import { AuditAppendOnly1795755100000 } from './1795755100000-AuditAppendOnly.js';
import { Foundation1795755035483 } from './1795755035483-Foundation.js';
import { Intake1795756941712 } from './1795756941712-Intake.js';
import { Cases1795758401479 } from './1795758401479-Cases.js';
import { CaseRowLevelSecurity1795758500000 } from './1795758500000-CaseRowLevelSecurity.js';
import { WorklistIndexes1795758650000 } from './1795758650000-WorklistIndexes.js';
import { WorklistPerformance1795758700000 } from './1795758700000-WorklistPerformance.js';
import { Referrals1795760345665 } from './1795760345665-Referrals.js';
import { PeriodicReports1795762429378 } from './1795762429378-PeriodicReports.js';
import { AutomaticReports1796524284785 } from './1796524284785-AutomaticReports.js';
import { StatisticsIndexes1796525526396 } from './1796525526396-StatisticsIndexes.js';
import { StatisticsCache1796536807147 } from './1796536807147-StatisticsCache.js';
import { StatisticsMonthParts1796900000000 } from './1796900000000-StatisticsMonthParts.js';

/** Every migration, in order, as classes (so .ts and compiled .js share one list). */
export const MIGRATIONS: Function[] = [
  Foundation1795755035483,
  AuditAppendOnly1795755100000,
  Intake1795756941712,
  Cases1795758401479,
  CaseRowLevelSecurity1795758500000,
  WorklistIndexes1795758650000,
  WorklistPerformance1795758700000,
  Referrals1795760345665,
  PeriodicReports1795762429378,
  AutomaticReports1796524284785,
  StatisticsIndexes1796525526396,
  StatisticsCache1796536807147,
  StatisticsMonthParts1796900000000,
];
