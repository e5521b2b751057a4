/** Pure AGG deadline engine: calendar-date arithmetic, German public holidays, §§187–193 BGB. */
export {
  addDays,
  daysBetween,
  dayOfWeek,
  daysInMonth,
  isLeapYear,
  isValidDate,
  parseDate,
  formatDate,
} from './calendar-date.js';
export {
  SUPPORTED_REGIONS,
  type HolidayRegion,
  isSupportedRegion,
  easterSunday,
  bussUndBettag,
  holidaysOf,
  holidayName,
  isHoliday,
} from './holidays.js';
export {
  DUE_SOON_DAYS,
  type DeadlineInput,
  type DeadlineResult,
  type DeadlineStatus,
  type UnclearReason,
  addMonths,
  isWorkingDay,
  nextWorkingDay,
  applyBgb193,
  reminderDates,
  computeDeadline,
} from './deadline.js';
