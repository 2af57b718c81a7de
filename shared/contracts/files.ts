import { z } from 'zod';
import { boolParam, expandParam, fileIdParam, listParamsShape, metadataParam } from './common.js';

/**
 * Stripe's File object (`file_…`): report results and uploads share one shape and one list. The purposes a
 * merchant may upload, each with the types and size Stripe documents for it (docs.stripe.com/file-upload);
 * the others Stripe lists hold identity or tax documents PaymentFlow has no use for, so they are refused by
 * name rather than kept.
 */
export const FILE_KINDS = {
  pdf: { contentType: 'application/pdf', label: 'PDF' },
  png: { contentType: 'image/png', label: 'PNG' },
  jpg: { contentType: 'image/jpeg', label: 'JPEG' },
  gif: { contentType: 'image/gif', label: 'GIF' },
} as const;
export type FileKind = keyof typeof FILE_KINDS;

export const UPLOAD_PURPOSES = {
  dispute_evidence: { kinds: ['pdf', 'jpg', 'png'], maxBytes: 5 * 1024 * 1024, expiresInMonths: 9 },
  business_icon: { kinds: ['jpg', 'png', 'gif'], maxBytes: 512 * 1024, expiresInMonths: null },
  business_logo: { kinds: ['jpg', 'png', 'gif'], maxBytes: 512 * 1024, expiresInMonths: null },
} as const satisfies Record<string, { kinds: readonly FileKind[]; maxBytes: number; expiresInMonths: number | null }>;
export type UploadPurpose = keyof typeof UPLOAD_PURPOSES;

/** The purposes Stripe accepts for uploads that PaymentFlow refuses (with a message saying so). */
export const REFUSED_UPLOAD_PURPOSES = [
  'account_requirement', 'additional_verification', 'customer_signature', 'identity_document', 'issuing_regulatory_reporting',
  'pci_document', 'tax_document_user_upload', 'terminal_android_apk', 'terminal_reader_splashscreen',
] as const;
/** Every purpose a File can have (the list filter accepts these). */
export const FILE_PURPOSES = ['finance_report_run', ...Object.keys(UPLOAD_PURPOSES), ...REFUSED_UPLOAD_PURPOSES] as [string, ...string[]];

/** The largest upload any purpose allows: the multipart reader stops counting there. */
export const MAX_UPLOAD_BYTES = Math.max(...Object.values(UPLOAD_PURPOSES).map((p) => p.maxBytes));

export const formatBytes = (n: number) => (n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MB` : `${Math.round(n / 1024)} KB`);

/** The types a purpose takes, for messages and the dashboard's `accept`: "PDF, JPEG or PNG". */
export function purposeKindsLabel(purpose: UploadPurpose): string {
  const labels = UPLOAD_PURPOSES[purpose].kinds.map((k) => FILE_KINDS[k].label);
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}` : labels[0]!;
}

export { fileIdParam };

/** The form fields of POST /v1/files besides the file itself. */
export const createFileParams = z.strictObject({
  purpose: z.string({ error: 'Missing required param: purpose.' }).trim().min(1, 'Missing required param: purpose.').max(100),
  file_link_data: z
    .strictObject({ create: boolParam(), expires_at: z.unknown().optional(), metadata: metadataParam.optional() })
    .optional(),
  expand: expandParam.optional(),
  /** Set by the multipart reader (name, size, SHA-256), so an Idempotency-Key replays only the same file. */
  file: z.unknown().optional(),
});
export type CreateFileInput = z.input<typeof createFileParams>;

export const listFilesParams = z.strictObject({
  ...listParamsShape,
  purpose: z.enum(FILE_PURPOSES).optional(),
});
export type ListFilesInput = z.input<typeof listFilesParams>;

export interface FileDto {
  id: string;
  object: 'file';
  created: number;
  expires_at: number | null;
  filename: string;
  links: null;
  purpose: string;
  size: number;
  title: string | null;
  type: string;
  url: string;
}

// Dashboard (tRPC): an evidence upload from the dispute page.
export const uploadEvidenceFileInput = z.object({
  filename: z.string().trim().min(1).max(255),
  type: z.string().max(100),
  /** The file's bytes, base64-encoded. */
  contentBase64: z
    .string()
    .min(1, 'The file is empty.')
    .max(Math.ceil((UPLOAD_PURPOSES.dispute_evidence.maxBytes * 4) / 3) + 4, `Evidence files can be at most ${formatBytes(UPLOAD_PURPOSES.dispute_evidence.maxBytes)}.`),
});
export const fileIdInput = z.object({ id: fileIdParam });
