/** A file from a multipart form; the client's file name and type are deliberately not kept. */
export interface UploadedFile {
  field: string;
  data: Buffer;
  /** larger than the configured limit (the data was cut off) */
  truncated: boolean;
}

interface Part {
  type?: 'field' | 'file';
  fieldname?: string;
  filename?: string;
  value?: unknown;
  file?: { truncated?: boolean };
}

/**
 * Flattens a form body — urlencoded (plain values) or multipart (parts attached by
 * @fastify/multipart) — into string fields and files. Empty file inputs are dropped.
 */
export function readForm(body: unknown): {
  fields: Record<string, string | string[]>;
  files: UploadedFile[];
} {
  const fields: Record<string, string | string[]> = {};
  const files: UploadedFile[] = [];
  if (!body || typeof body !== 'object') return { fields, files };
  for (const [key, raw] of Object.entries(body as Record<string, unknown>)) {
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (item && typeof item === 'object' && 'type' in (item as Part)) {
        const part = item as Part;
        if (part.type === 'file') {
          const data = Buffer.isBuffer(part.value) ? part.value : Buffer.alloc(0);
          if (data.length === 0 && !part.filename) continue;
          files.push({ field: key, data, truncated: part.file?.truncated === true });
          continue;
        }
        add(fields, key, typeof part.value === 'string' ? part.value : String(part.value ?? ''));
      } else if (typeof item === 'string') {
        add(fields, key, item);
      } else if (typeof item === 'number' || typeof item === 'boolean') {
        add(fields, key, String(item));
      }
    }
  }
  return { fields, files };
}

function add(fields: Record<string, string | string[]>, key: string, value: string): void {
  const existing = fields[key];
  if (existing === undefined) fields[key] = value;
  else fields[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
}

/** The value of a form field whether it arrived urlencoded or as a multipart part. */
export function fieldValue(body: unknown, key: string): unknown {
  if (!body || typeof body !== 'object') return undefined;
  const raw = (body as Record<string, unknown>)[key];
  const item = Array.isArray(raw) ? raw[0] : raw;
  if (item && typeof item === 'object' && 'value' in (item as Part)) return (item as Part).value;
  return item;
}
