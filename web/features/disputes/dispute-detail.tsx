import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { DISPUTE_RESPONSE_STATUSES, type DisputeEvidenceInput, type EvidenceField } from '../../../shared/contracts/disputes';
import { can } from '../../../shared/permissions';
import { Badge } from '../../components/badge';
import { Button } from '../../components/button';
import { Card, CardBody, CardHeader } from '../../components/card';
import { DetailRow } from '../../components/detail-row';
import { AmountTitle, DetailHeader } from '../../components/detail-header';
import { Field, FormError } from '../../components/field';
import { FormDialog } from '../../components/form-dialog';
import { Input, Textarea } from '../../components/input';
import { KeyValues } from '../../components/key-values';
import { RawJson } from '../../components/raw-json';
import { toast } from '../../components/toast';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { exactTime, money } from '../../lib/money';
import { trpc } from '../../lib/trpc';
import { useSession } from '../../lib/use-session';
import { DISPUTE_REASON_LABELS, DISPUTE_STATUS_LABELS, DISPUTE_STATUS_TONES, EVIDENCE_FORM, timeLeftLabel } from './dispute-labels';
import { disputeDetailQuery } from './disputes-search';
import { EVIDENCE_HINT, EvidenceFileField, evidenceFileProblem } from './evidence-file-field';


function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file.'));
    reader.readAsDataURL(file);
  });
}

export function DisputeDetailPage({ disputeId }: { disputeId: string }) {
  const session = useSession()!;
  const zone = session.merchant!.timezone;
  const canRespond = can(session.role, 'disputes:respond');
  const queryClient = useQueryClient();
  const { data } = useSuspenseQuery(disputeDetailQuery(disputeId));
  const { dispute, files, fee, secondsLeft } = data;
  const open = (DISPUTE_RESPONSE_STATUSES as readonly string[]).includes(dispute.status) && !dispute.evidence_details.past_due;
  const inquiry = dispute.status.startsWith('warning_');

  const [draft, setDraft] = useState<Record<string, string>>(() =>
    Object.fromEntries(EVIDENCE_FORM.map(({ field }) => [field, dispute.evidence[field] ?? ''])),
  );
  const [fileNames, setFileNames] = useState<Record<string, string>>(() => Object.fromEntries(files.map((f) => [f.id, f.filename])));
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [confirmAccept, setConfirmAccept] = useState(false);

  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.disputes.get.queryKey({ id: disputeId }) }), queryClient.invalidateQueries({ queryKey: trpc.disputes.list.pathKey() })]);
  const save = useMutation(trpc.disputes.saveEvidence.mutationOptions());
  const accept = useMutation(trpc.disputes.accept.mutationOptions());
  const upload = useMutation(trpc.disputes.uploadFile.mutationOptions());
  const fileLink = useMutation(trpc.disputes.fileLink.mutationOptions({
    onSuccess: ({ url }) => window.location.assign(url),
    onError: (error) => toast.error(errorMessage(error)),
  }));
  // The field whose file is uploading, and that file's name (one upload at a time).
  const [uploading, setUploading] = useState<{ field: EvidenceField; name: string } | null>(null);

  async function attach(field: EvidenceField, file: File) {
    const problem = evidenceFileProblem(file);
    setFieldErrors((e) => ({ ...e, [field]: problem ?? '' }));
    if (problem) return;
    setUploading({ field, name: file.name });
    try {
      const stored = await upload.mutateAsync({ filename: file.name, type: file.type, contentBase64: await readBase64(file) });
      setDraft((d) => ({ ...d, [field]: stored.id }));
      setFileNames((n) => ({ ...n, [stored.id]: stored.filename }));
    } catch (error) {
      setFieldErrors((e) => ({ ...e, [field]: errorMessage(error) }));
    } finally {
      setUploading(null);
    }
  }

  async function submit(submitNow: boolean) {
    setFormError(null);
    const evidence: DisputeEvidenceInput = {};
    for (const { field } of EVIDENCE_FORM) {
      const before = dispute.evidence[field] ?? '';
      if (draft[field] !== before) evidence[field] = draft[field]!.trim();
    }
    try {
      const result = await save.mutateAsync({ id: disputeId, evidence, submit: submitNow });
      await refresh();
      toast.success(submitNow ? `Evidence submitted. The dispute is ${DISPUTE_STATUS_LABELS[result.status].toLowerCase()}.` : 'Evidence saved. Submit it before the due date.');
    } catch (error) {
      setFormError(errorMessage(error));
    }
  }

  async function acceptDispute() {
    try {
      await accept.mutateAsync({ id: disputeId });
      setConfirmAccept(false);
      await refresh();
      toast.success(inquiry ? 'Inquiry closed.' : 'Dispute accepted.');
    } catch (error) {
      setFormError(errorMessage(error));
      setConfirmAccept(false);
    }
  }

  const left = timeLeftLabel(secondsLeft);
  const busy = save.isPending || upload.isPending;

  return (
    <div className="space-y-6">
      <DetailHeader
        back={{ to: '/disputes', label: 'Disputes' }}
        kind={inquiry ? 'Inquiry' : 'Dispute'}
        id={dispute.id}
        title={<AmountTitle amount={dispute.amount} currency={dispute.currency} status={<Badge tone={DISPUTE_STATUS_TONES[dispute.status]}>{DISPUTE_STATUS_LABELS[dispute.status]}</Badge>} />}
        subtitle={left ? <span className="font-medium text-red-700" data-testid="time-left">{left} to respond (due {formatDateTime(dispute.evidence_details.due_by!, zone)})</span> : undefined}
        actions={canRespond && open ? <Button variant="danger" onClick={() => setConfirmAccept(true)}>{inquiry ? 'Close inquiry' : 'Accept dispute'}</Button> : undefined}
      />

      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-3">
        <div className="min-w-0 space-y-6 lg:col-span-2">
          <Card>
            <CardHeader
              title="Evidence"
              description={
                open
                  ? canRespond
                    ? 'Fill in what supports the payment, then submit it to the bank. You can save and come back before the due date.'
                    : 'Your role can read this dispute but not respond to it.'
                  : `Submitted ${dispute.evidence_details.submission_count} time${dispute.evidence_details.submission_count === 1 ? '' : 's'}; it can no longer change.`
              }
            />
            <CardBody>
              <form
                noValidate
                className="space-y-4"
                aria-label="Dispute evidence"
                onSubmit={(event) => {
                  event.preventDefault();
                  void submit(true);
                }}
              >
                <FormError message={formError} />
                {EVIDENCE_FORM.map(({ field, label, kind, hint }) => {
                  const disabled = !open || !canRespond || busy;
                  const value = draft[field] ?? '';
                  if (kind === 'file') {
                    return (
                      <EvidenceFileField
                        key={field}
                        label={label}
                        hint={hint ? `${hint} ${EVIDENCE_HINT}` : undefined}
                        file={value ? { id: value, name: fileNames[value] ?? value } : null}
                        pending={uploading?.field === field ? uploading.name : null}
                        error={fieldErrors[field] || null}
                        disabled={disabled}
                        onChoose={(file) => void attach(field, file)}
                        onRemove={() => setDraft((d) => ({ ...d, [field]: '' }))}
                        onDownload={() => fileLink.mutate({ id: value })}
                      />
                    );
                  }
                  const Control = kind === 'long' ? Textarea : Input;
                  return (
                    <Field key={field} label={label} hint={hint} error={fieldErrors[field] || null} optional>
                      <Control value={value} disabled={disabled} maxLength={20_000} onChange={(e) => {
                        const next = e.currentTarget.value;
                        setDraft((d) => ({ ...d, [field]: next }));
                      }} />
                    </Field>
                  );
                })}
                {open && canRespond && (
                  <div className="flex flex-wrap justify-end gap-2 pt-2">
                    <Button onClick={() => void submit(false)} disabled={busy}>Save for later</Button>
                    <Button variant="primary" type="submit" loading={save.isPending} disabled={busy}>Submit evidence</Button>
                  </div>
                )}
              </form>
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Raw JSON" description="The dispute as the API returns it." />
            <CardBody><RawJson value={dispute} label="dispute" /></CardBody>
          </Card>
        </div>
        <div className="space-y-6">
          <Card>
            <CardHeader title="Details" />
            <CardBody className="py-1">
              <dl className="divide-y divide-slate-100">
                <DetailRow label="Reason">{DISPUTE_REASON_LABELS[dispute.reason]}</DetailRow>
                <DetailRow label="Opened"><span title={exactTime(dispute.created, zone)}>{formatDateTime(dispute.created, zone)}</span></DetailRow>
                <DetailRow label="Payment">
                  <Link to="/payments/$paymentId" params={{ paymentId: dispute.payment_intent }} className="font-mono text-xs break-all text-brand-600 hover:text-brand-700">{dispute.payment_intent}</Link>
                </DetailRow>
                <DetailRow label="Card">{dispute.payment_method_details.card.brand ?? '—'}{dispute.network_reason_code ? ` · reason code ${dispute.network_reason_code}` : ''}</DetailRow>
                <DetailRow label="Dispute fee">{fee ? money(fee, dispute.currency) : 'None'}</DetailRow>
              </dl>
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Balance effect" />
            <CardBody className="space-y-2 text-sm">
              {dispute.balance_transactions.length === 0 ? (
                <p className="text-slate-500">{inquiry ? 'An inquiry moves no money.' : 'No balance transactions.'}</p>
              ) : (
                (dispute.balance_transactions as { id: string; net: number; currency: string; reporting_category: string }[]).map((b) => (
                  <div key={b.id} className="flex justify-between gap-3">
                    <span className="text-slate-600">{b.reporting_category === 'dispute' ? 'Withdrawn (amount + fee)' : 'Reinstated'}</span>
                    <span className="font-medium tabular-nums">{money(b.net, b.currency)}</span>
                  </div>
                ))
              )}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Metadata" />
            <CardBody><KeyValues values={dispute.metadata} empty="No metadata." /></CardBody>
          </Card>
        </div>
      </div>

      <FormDialog
        open={confirmAccept}
        onClose={() => setConfirmAccept(false)}
        title={inquiry ? 'Close this inquiry?' : 'Accept this dispute?'}
        description={inquiry ? 'The inquiry closes without evidence.' : `You will not contest it: ${money(dispute.amount, dispute.currency)} and the ${money(fee, dispute.currency)} fee stay withdrawn. This cannot be undone.`}
        submitLabel={inquiry ? 'Close inquiry' : 'Accept dispute'}
        submitVariant="danger"
        busy={accept.isPending}
        onSubmit={() => void acceptDispute()}
      />
    </div>
  );
}
