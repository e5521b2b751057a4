export * from './types.js';
export {
  thresholdFor,
  validateRelease,
  validateTable,
  MAX_DIMENSIONS,
  type ThresholdSettings,
} from './thresholds.js';
export { mergeRareCategories, type MergeResult } from './merge.js';
export {
  buildModel,
  releaseConstraints,
  additivityConstraints,
  linkPeriodsToTotal,
  linkSharedRowTotals,
  linkGrandTotals,
} from './model.js';
export { suppress } from './suppress.js';
export { METHODOLOGY_DE, METHODOLOGY_EN, methodologyNote } from './methodology.js';
