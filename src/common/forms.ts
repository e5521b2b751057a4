import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate } from 'class-validator';
import { DomainError, type FieldError } from './errors/domain-error.js';
import type { ViewRenderer } from './views/view-renderer.js';

/** Validates a form post against a DTO class; the page re-renders with messages next to the fields. */
export async function validateForm<T extends object>(
  cls: ClassConstructor<T>,
  body: unknown,
): Promise<{ value: T; fields: FieldError[] }> {
  const plain = body && typeof body === 'object' ? body : {};
  const value = plainToInstance(cls, plain);
  const errors = await validate(value, { whitelist: true, forbidNonWhitelisted: false });
  const fields = errors.flatMap((e) =>
    Object.keys(e.constraints ?? {}).map((c) => ({ field: e.property, messageKey: `validation.${c}` })),
  );
  return { value, fields };
}

export interface FormErrors {
  /** for the error summary at the top: links to each field */
  summary: { field: string; message: string }[];
  /** message per field, next to it */
  byField: Record<string, string>;
}

export function formErrors(
  renderer: ViewRenderer,
  lang: string,
  fields: FieldError[],
  general?: DomainError,
): FormErrors {
  const summary = fields.map((f) => ({ field: f.field, message: renderer.t(lang, f.messageKey, f.params) }));
  if (general && fields.length === 0)
    summary.push({ field: '', message: renderer.t(lang, general.messageKey, general.params) });
  const byField: Record<string, string> = {};
  for (const s of summary) if (s.field && !byField[s.field]) byField[s.field] = s.message;
  return { summary, byField };
}
