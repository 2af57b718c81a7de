import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, resolveSession } from '../core/accounts/accounts.service.js';
import { openDispute } from '../core/disputes/disputes.service.js';
import { createPaymentIntent } from '../core/payment-intents/payment-intents.service.js';
import { createTestDatabase, createTestMerchant, startTestServer, type TestDatabase, type TestServer } from '../test/db.js';
import { createInnerContext } from '../trpc/context.js';
import { appRouter } from '../trpc/routers/_app.js';
import { createCallerFactory } from '../trpc/trpc.js';
import { newId } from '../../shared/ids.js';

/**
 * POST /v1/files and the files API over HTTP, as an SDK sends them (multipart/form-data): what is kept,
 * what is refused (by the bytes, not the declared type; by size, losing nothing), who may see it, and
 * dispute evidence naming uploaded files.
 */

let t: TestDatabase;
let server: TestServer;
type Merchant = Awaited<ReturnType<typeof createTestMerchant>>;
let m: Merchant;
beforeAll(async () => {
  process.env.RATE_LIMIT_TEST = '10000';
  process.env.RATE_LIMIT_LIVE = '10000';
  t = await createTestDatabase();
  server = await startTestServer(t.deps);
  m = await createTestMerchant(t.db);
});
afterAll(async () => {
  await server?.close();
  await t?.drop();
});

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake png body')]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF fake jpeg body')]);
const GIF = Buffer.from('GIF89a fake gif body');

interface Part { name?: string; filename?: string; type?: string; bytes?: Buffer }

async function upload(key: string, fields: Record<string, string>, file: Part | null, headers: Record<string, string> = {}) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append(file.name ?? 'file', new Blob([new Uint8Array(file.bytes ?? PDF)], { type: file.type ?? 'application/octet-stream' }), file.filename ?? 'evidence.pdf');
  const res = await fetch(`${server.baseUrl}/v1/files`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, ...headers }, body: form });
  return { status: res.status, body: (await res.json()) as any };
}

async function api(key: string, method: string, path: string, form?: Record<string, string>) {
  const res = await fetch(`${server.baseUrl}/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}

async function contents(key: string, id: string) {
  const res = await fetch(`${server.baseUrl}/v1/files/${id}/contents`, { headers: { Authorization: `Bearer ${key}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function restrictedKey(owner: Merchant, permissions: Record<string, 'read' | 'write'>) {
  const { token } = await createSession(t.db, owner.user.id, owner.merchant.id);
  const caller = createCallerFactory(appRouter)(createInnerContext({ deps: t.deps, session: await resolveSession(t.db, token) }));
  return (await caller.developers.createRestrictedKey({ name: 'Evidence uploader', permissions })).secret;
}

describe('POST /v1/files', () => {
  it('stores a PDF as dispute evidence; retrieves it, lists it and downloads the same bytes as an attachment; audits the upload', async () => {
    const created = await upload(m.keys.test.secret, { purpose: 'dispute_evidence' }, { filename: 'receipt #1.pdf', type: 'application/pdf', bytes: PDF });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^file_/), object: 'file', purpose: 'dispute_evidence', filename: 'receipt #1.pdf', size: PDF.length, type: 'pdf',
      title: null, links: null, url: `${server.baseUrl}/v1/files/${created.body.id}/contents`,
    });
    // Stripe keeps dispute evidence for nine months.
    const months = (created.body.expires_at - created.body.created) / 86_400 / 30.4;
    expect(months).toBeGreaterThan(8.8);
    expect(months).toBeLessThan(9.2);

    expect((await api(m.keys.test.secret, 'GET', `/files/${created.body.id}`)).body).toEqual(created.body);
    const download = await contents(m.keys.test.secret, created.body.id);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="receipt__1.pdf"');
    expect(download.bytes.equals(PDF)).toBe(true);

    const audit = await t.db.selectFrom('audit_log').select(['action', 'target_id', 'data']).where('merchant_id', '=', m.merchant.id).where('target_id', '=', created.body.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['file.downloaded', 'file.uploaded']);
    expect(audit.find((a) => a.action === 'file.uploaded')!.data).toMatchObject({ purpose: 'dispute_evidence', filename: 'receipt #1.pdf', size: PDF.length, type: 'pdf' });
  });

  it('decides the type by the bytes: a declared type that lies is refused, an unlabelled image is recognised', async () => {
    const key = m.keys.test.secret;
    const lying = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'photo.png', type: 'image/png', bytes: PDF });
    expect(lying).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param: 'file', message: expect.stringMatching(/not a valid image\/png file: its contents are a PDF/) } } });
    const script = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'invoice.pdf', type: 'application/pdf', bytes: Buffer.from('<script>alert(1)</script>') });
    expect(script).toMatchObject({ status: 400, body: { error: { param: 'file' } } });
    const text = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'notes.txt', type: 'text/plain', bytes: Buffer.from('just words') });
    expect(text).toMatchObject({ status: 400, body: { error: { param: 'file', message: 'Files with purpose dispute_evidence must be PDF, JPEG or PNG files; this file\'s contents are none of those.' } } });
    const gif = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'anim.gif', type: 'image/gif', bytes: GIF });
    expect(gif.body.error.message).toMatch(/must be PDF, JPEG or PNG files; this file's contents are GIF/);

    const png = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'screenshot', type: 'application/octet-stream', bytes: PNG });
    expect(png.body).toMatchObject({ type: 'png', size: PNG.length, filename: 'screenshot' });
    expect((await contents(key, png.body.id)).headers.get('content-type')).toBe('image/png');
    const jpeg = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'C:\\Users\\me\\photo.jpg', type: 'image/jpeg', bytes: JPEG });
    expect(jpeg.body).toMatchObject({ type: 'jpg', filename: 'photo.jpg' });
    // Logos take GIF, at most 512 KB.
    expect((await upload(key, { purpose: 'business_logo' }, { filename: 'logo.gif', type: 'image/gif', bytes: GIF })).body).toMatchObject({ purpose: 'business_logo', type: 'gif', expires_at: null });
  });

  it('refuses a file over the purpose\'s limit with a clear 400, and loses nothing already stored', async () => {
    const owner = await createTestMerchant(t.db);
    const key = owner.keys.test.secret;
    const kept = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'kept.pdf', type: 'application/pdf', bytes: PDF });
    const limit = 5 * 1024 * 1024;
    const big = Buffer.concat([PDF, Buffer.alloc(limit - PDF.length + 1, 0x20)]);
    const tooBig = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'big.pdf', type: 'application/pdf', bytes: big });
    expect(tooBig).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param: 'file', message: 'The file is too large: files with purpose dispute_evidence can be at most 5 MB.' } } });
    // Exactly at the limit is fine.
    const atLimit = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'limit.pdf', type: 'application/pdf', bytes: big.subarray(0, limit) });
    expect(atLimit.body).toMatchObject({ size: limit });
    const logo = await upload(key, { purpose: 'business_icon' }, { filename: 'icon.png', type: 'image/png', bytes: Buffer.concat([PNG, Buffer.alloc(512 * 1024)]) });
    expect(logo.body.error.message).toBe('The file is too large: files with purpose business_icon can be at most 512 KB.');

    // A body many times the limit is not read to its end: 413, and the connection is closed.
    const huge = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'huge.pdf', type: 'application/pdf', bytes: Buffer.concat([PDF, Buffer.alloc(4 * limit)]) });
    expect(huge).toMatchObject({ status: 413, body: { error: { param: 'file', message: 'The request is too large: files can be at most 5 MB.' } } });

    const listed = await api(key, 'GET', '/files');
    expect(listed.body.data.map((f: { id: string }) => f.id)).toEqual([atLimit.body.id, kept.body.id]);
    expect((await contents(key, kept.body.id)).bytes.equals(PDF)).toBe(true);
    const rows = await t.db.selectFrom('report_files').select('id').where('merchant_id', '=', owner.merchant.id).execute();
    expect(rows).toHaveLength(2);
  });

  it('names what is missing or refused: purpose, the file part, purposes PaymentFlow does not keep, file links', async () => {
    const key = m.keys.test.secret;
    expect((await upload(key, {}, { bytes: PDF })).body.error).toMatchObject({ param: 'purpose', message: expect.stringMatching(/purpose/) });
    expect((await upload(key, { purpose: 'dispute_evidence' }, null)).body.error).toMatchObject({ param: 'file', message: expect.stringMatching(/Missing required param: file/) });
    expect((await upload(key, { purpose: 'dispute_evidence' }, { name: 'document', bytes: PDF })).body.error).toMatchObject({ param: 'document' });
    const identity = await upload(key, { purpose: 'identity_document' }, { bytes: PDF });
    expect(identity).toMatchObject({ status: 400, body: { error: { param: 'purpose', message: expect.stringMatching(/identity_document are not accepted by PaymentFlow/) } } });
    expect((await upload(key, { purpose: 'finance_report_run' }, { bytes: PDF })).body.error.message).toMatch(/created by report runs/);
    expect((await upload(key, { purpose: 'selfies' }, { bytes: PDF })).body.error).toMatchObject({ param: 'purpose', message: expect.stringMatching(/Invalid purpose/) });
    const link = await upload(key, { purpose: 'dispute_evidence', 'file_link_data[create]': 'true' }, { bytes: PDF });
    expect(link.body.error).toMatchObject({ param: 'file_link_data[create]', message: expect.stringMatching(/File links are not supported/) });
    expect((await upload(key, { purpose: 'dispute_evidence', 'file_link_data[create]': 'false' }, { bytes: PDF })).status).toBe(200);
    // Multipart is for uploads only.
    const elsewhere = await fetch(`${server.baseUrl}/v1/customers`, { method: 'POST', headers: { Authorization: `Bearer ${key}` }, body: (() => { const f = new FormData(); f.append('email', 'a@b.test'); return f; })() });
    expect(elsewhere.status).toBe(415);
    const broken = await fetch(`${server.baseUrl}/v1/files`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'multipart/form-data; boundary=xyz' }, body: '--xyz\r\nContent-Disposition: form-data; name="purpose"\r\n\r\ndispute_evi' });
    expect(broken.status).toBe(400);
  });

  it('replays an Idempotency-Key for the same file only', async () => {
    const key = m.keys.test.secret;
    const first = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'a.pdf', bytes: PDF }, { 'Idempotency-Key': 'upload-1' });
    const again = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'a.pdf', bytes: PDF }, { 'Idempotency-Key': 'upload-1' });
    expect(again.body.id).toBe(first.body.id);
    const other = await upload(key, { purpose: 'dispute_evidence' }, { filename: 'a.pdf', bytes: Buffer.concat([PDF, Buffer.from('x')]) }, { 'Idempotency-Key': 'upload-1' });
    expect(other.body.error).toMatchObject({ type: 'idempotency_error' });
  });
});

describe('GET /v1/files', () => {
  it('lists newest first with purpose and created filters and keyset pagination, report results included', async () => {
    const owner = await createTestMerchant(t.db);
    const key = owner.keys.test.secret;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await upload(key, { purpose: 'dispute_evidence' }, { filename: `e${i}.pdf`, bytes: PDF })).body.id);
    const logo = (await upload(key, { purpose: 'business_logo' }, { filename: 'logo.png', bytes: PNG })).body.id;
    const report = newId('file');
    await t.db.insertInto('report_files').values({ id: report, merchant_id: owner.merchant.id, livemode: false, purpose: 'finance_report_run', filename: 'r.csv', type: 'csv', content_type: 'text/csv', size: 3, storage_key: `reports/${owner.merchant.id}/r.csv` }).execute();

    const all = await api(key, 'GET', '/files?limit=10');
    expect(all.body).toMatchObject({ object: 'list', has_more: false, url: '/v1/files' });
    expect(all.body.data.map((f: { id: string }) => f.id)).toEqual([report, logo, ...ids.reverse()]);
    const evidence = await api(key, 'GET', '/files?purpose=dispute_evidence&limit=2');
    expect(evidence.body).toMatchObject({ has_more: true });
    expect(evidence.body.data.map((f: { id: string }) => f.id)).toEqual(ids.slice(0, 2));
    const next = await api(key, 'GET', `/files?purpose=dispute_evidence&limit=2&starting_after=${ids[1]}`);
    expect(next.body.data.map((f: { id: string }) => f.id)).toEqual([ids[2]]);
    const back = await api(key, 'GET', `/files?purpose=dispute_evidence&limit=2&ending_before=${ids[2]}`);
    expect(back.body.data.map((f: { id: string }) => f.id)).toEqual(ids.slice(0, 2));
    const reports = await api(key, 'GET', '/files?purpose=finance_report_run');
    expect(reports.body.data.map((f: { id: string }) => f.id)).toEqual([report]);
    const future = Math.floor(Date.now() / 1000) + 3600;
    expect((await api(key, 'GET', `/files?created[gte]=${future}`)).body.data).toEqual([]);
    expect((await api(key, 'GET', `/files?created[lt]=${future}`)).body.data).toHaveLength(5);
    expect((await api(key, 'GET', '/files?purpose=nonsense')).body.error).toMatchObject({ param: 'purpose' });
    expect((await api(key, 'GET', '/files?starting_after=file_missing')).body.error).toMatchObject({ code: 'resource_missing', param: 'starting_after', message: "No such file: 'file_missing'" });
  });

  it('keeps files to their merchant and mode; contents need a secret key; publishable keys may only upload', async () => {
    const owner = await createTestMerchant(t.db);
    const other = await createTestMerchant(t.db);
    const mine = (await upload(owner.keys.test.secret, { purpose: 'dispute_evidence' }, { bytes: PDF })).body;
    for (const key of [other.keys.test.secret, owner.keys.live.secret]) {
      expect((await api(key, 'GET', `/files/${mine.id}`)).body.error).toMatchObject({ code: 'resource_missing', message: `No such file: '${mine.id}'` });
      expect((await contents(key, mine.id)).status).toBe(404);
      expect((await api(key, 'GET', '/files')).body.data).toEqual([]);
    }
    const fromBrowser = await upload(owner.keys.test.publishable, { purpose: 'dispute_evidence' }, { bytes: PDF });
    expect(fromBrowser.body).toMatchObject({ object: 'file', purpose: 'dispute_evidence' });
    expect((await api(owner.keys.test.publishable, 'GET', `/files/${mine.id}`)).status).toBe(403);
    expect((await api(owner.keys.test.publishable, 'GET', '/files')).status).toBe(403);
    expect((await contents(owner.keys.test.publishable, mine.id)).status).toBe(403);
  });

  it('restricted keys need the files permission: read lists and downloads, write uploads', async () => {
    const owner = await createTestMerchant(t.db);
    const uploaded = (await upload(owner.keys.test.secret, { purpose: 'dispute_evidence' }, { bytes: PDF })).body;
    const writer = await restrictedKey(owner, { files: 'write' });
    expect((await upload(writer, { purpose: 'dispute_evidence' }, { bytes: PNG, filename: 'p.png' })).body).toMatchObject({ type: 'png' });
    const reader = await restrictedKey(owner, { files: 'read' });
    expect((await api(reader, 'GET', '/files')).body.data).toHaveLength(2);
    expect((await contents(reader, uploaded.id)).bytes.equals(PDF)).toBe(true);
    const refused = await upload(reader, { purpose: 'dispute_evidence' }, { bytes: PDF });
    expect(refused).toMatchObject({ status: 403, body: { error: { message: expect.stringMatching(/rak_file_write/) } } });
    const disputesOnly = await restrictedKey(owner, { disputes: 'write' });
    expect((await api(disputesOnly, 'GET', `/files/${uploaded.id}`)).status).toBe(403);
    expect((await contents(disputesOnly, uploaded.id)).status).toBe(403);
  });
});

describe('dispute evidence naming files', () => {
  async function disputed(owner: Merchant, amount: number) {
    const scope = { merchantId: owner.merchant.id, livemode: false };
    const pi = await createPaymentIntent(t.deps, scope, { amount, currency: 'usd', confirm: true, payment_method: 'pm_card_visa' } as Parameters<typeof createPaymentIntent>[2]);
    return (await openDispute(t.deps, scope, { paymentIntentId: pi.id, reason: 'product_not_received' }))!;
  }

  it('takes this merchant\'s dispute_evidence files in every file field; another merchant\'s, a report\'s or a logo answers resource_missing for the field', async () => {
    const owner = await createTestMerchant(t.db);
    const stranger = await createTestMerchant(t.db);
    const key = owner.keys.test.secret;
    const dispute = await disputed(owner, 4100);
    const receipt = (await upload(key, { purpose: 'dispute_evidence' }, { filename: 'receipt.pdf', bytes: PDF })).body;
    const shipping = (await upload(key, { purpose: 'dispute_evidence' }, { filename: 'pod.png', bytes: PNG })).body;
    const logo = (await upload(key, { purpose: 'business_logo' }, { filename: 'logo.png', bytes: PNG })).body;
    const theirs = (await upload(stranger.keys.test.secret, { purpose: 'dispute_evidence' }, { bytes: PDF })).body;
    const report = newId('file');
    await t.db.insertInto('report_files').values({ id: report, merchant_id: owner.merchant.id, livemode: false, purpose: 'finance_report_run', filename: 'r.csv', type: 'csv', content_type: 'text/csv', size: 3, storage_key: `reports/${owner.merchant.id}/r.csv` }).execute();

    for (const [field, id] of [['receipt', theirs.id], ['uncategorized_file', report], ['refund_policy', logo.id], ['service_documentation', 'file_doesnotexist']] as const) {
      const refused = await api(key, 'POST', `/disputes/${dispute.id}`, { [`evidence[${field}]`]: id, submit: 'false' });
      expect(refused).toMatchObject({ status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', param: `evidence[${field}]`, message: `No such file: '${id}'` } } });
    }
    const staged = await api(key, 'POST', `/disputes/${dispute.id}`, { 'evidence[receipt]': receipt.id, 'evidence[shipping_documentation]': shipping.id, submit: 'false' });
    expect(staged).toMatchObject({ status: 200, body: { status: 'needs_response', evidence: { receipt: receipt.id, shipping_documentation: shipping.id }, evidence_details: { has_evidence: true, submission_count: 0 } } });
    const submitted = await api(key, 'POST', `/disputes/${dispute.id}`, { 'evidence[uncategorized_text]': 'winning_evidence', 'evidence[customer_communication]': receipt.id });
    expect(submitted.body).toMatchObject({ status: 'won', evidence: { receipt: receipt.id, customer_communication: receipt.id, shipping_documentation: shipping.id }, evidence_details: { submission_count: 1 } });
  });
});
