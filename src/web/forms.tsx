// Form building blocks: fields that show the API's per-field errors, the problem banner, a submit
// hook that tracks busy state and problems (and moves the focus to the first field in error, else
// to the banner), copy buttons and typed confirmations.
import { Check, CircleAlert, CircleCheck, Copy, Inbox, Info, TriangleAlert, type LucideIcon } from 'lucide-react';
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { ApiProblem } from './api-client.ts';

export function useSubmit(action: () => Promise<void>): { busy: boolean; problem: ApiProblem | undefined; onSubmit(event?: FormEvent): Promise<void>; clear(): void } {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const form = useRef<HTMLElement | null>(null);
  useEffect(() => {
    if (!problem || !form.current) return;
    const target = form.current.querySelector<HTMLElement>('[aria-invalid="true"]') ?? form.current.querySelector<HTMLElement>('.problem');
    target?.focus();
  }, [problem]);
  const onSubmit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    if (event?.currentTarget instanceof HTMLElement) form.current = event.currentTarget;
    setBusy(true);
    setProblem(undefined);
    try {
      await action();
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { title: 'Something went wrong', detail: String(error) }));
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, onSubmit, clear: () => setProblem(undefined) };
}

/** What every kind of field shares: its label, hint and the API's message about it, wired for screen readers. */
interface FieldFrameProps {
  label: string;
  name: string;
  problem?: ApiProblem | undefined;
  hint?: ReactNode;
  /** The API's field name when it differs from the control's name (e.g. billingAddress.city). */
  apiField?: string;
}

/** The attributes a control needs to be found, announced and focused as the field in error. */
export interface ControlWiring {
  id: string;
  name: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
  'data-api-field': string;
}

/**
 * One field of any kind (input, select, textarea): the label, the control the caller renders with
 * `wiring`, the hint, and the server's refusal of this field right under it. useSubmit moves the
 * focus to the first control marked invalid, so every form gets the same behaviour by using this.
 */
export function FieldFrame({ label, name, problem, hint, apiField, children }: FieldFrameProps & { children(wiring: ControlWiring): ReactNode }) {
  const id = `field-${name}`;
  const message = problem?.fieldMessage(apiField ?? name);
  const describedBy = [hint ? `${id}-hint` : '', message ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={message ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, name, 'aria-invalid': message ? true : undefined, 'aria-describedby': describedBy, 'data-api-field': apiField ?? name })}
      {hint && <p className="hint" id={`${id}-hint`}>{hint}</p>}
      {message && <p className="field-error" id={`${id}-error`}>{fieldSentence(label, message)}</p>}
    </div>
  );
}

type FieldProps = FieldFrameProps & InputHTMLAttributes<HTMLInputElement>;

export function Field({ label, name, problem, hint, apiField, ...input }: FieldProps) {
  return <FieldFrame label={label} name={name} problem={problem} hint={hint} apiField={apiField}>{(wiring) => <input {...wiring} {...input} />}</FieldFrame>;
}

type SelectFieldProps = FieldFrameProps & SelectHTMLAttributes<HTMLSelectElement> & { children: ReactNode };

export function SelectField({ label, name, problem, hint, apiField, children, ...select }: SelectFieldProps) {
  return <FieldFrame label={label} name={name} problem={problem} hint={hint} apiField={apiField}>{(wiring) => <select {...wiring} {...select}>{children}</select>}</FieldFrame>;
}

type TextAreaFieldProps = FieldFrameProps & TextareaHTMLAttributes<HTMLTextAreaElement>;

export function TextAreaField({ label, name, problem, hint, apiField, ...area }: TextAreaFieldProps) {
  return <FieldFrame label={label} name={name} problem={problem} hint={hint} apiField={apiField}>{(wiring) => <textarea {...wiring} {...area} />}</FieldFrame>;
}

/** The API says either a sentence ("Your name is required.") or a predicate ("is required"). */
function fieldSentence(label: string, message: string): string {
  return /^[A-Z]/.test(message) ? message : `${label.replace(/\s*\([^)]*\)\s*$/, '')} ${message}`;
}

/** 'billingAddress.postalCode' → 'Postal code': the API's field name, for a sentence about it. */
function fieldWords(field: string): string {
  const words = (field.split('.').at(-1) ?? field).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * The refusal above a form. Errors shown at a field of the form are only listed here, each linking
 * to its field; errors about something the form has no field for are written out.
 */
export function ProblemBanner({ problem }: { problem: ApiProblem | undefined }) {
  const banner = useRef<HTMLDivElement | null>(null);
  const [controls, setControls] = useState<Map<string, { control: HTMLElement; label: string }>>(new Map());
  // After rendering, find the fields of the banner's own form (two forms of a page may share a field name).
  useLayoutEffect(() => {
    const scope: ParentNode = banner.current?.closest('form') ?? document;
    const found = new Map<string, { control: HTMLElement; label: string }>();
    for (const error of problem?.errors ?? []) {
      const control = scope.querySelector<HTMLElement>(`[data-api-field="${CSS.escape(error.field)}"]`);
      if (!control) continue;
      const label = control.id ? scope.querySelector(`label[for="${CSS.escape(control.id)}"]`)?.textContent : undefined;
      found.set(error.field, { control, label: label?.replace(/\s*\([^)]*\)\s*$/, '') || fieldWords(error.field) });
    }
    setControls(found);
  }, [problem]);
  if (!problem) return null;
  const atFields = problem.errors.filter((error) => controls.has(error.field));
  const elsewhere = problem.errors.filter((error) => !controls.has(error.field));
  return (
    <div className="problem" role="alert" tabIndex={-1} ref={banner}>
      <CircleAlert className="icon" />
      <div className="message-body">
      <strong>{problem.title}</strong>
      {problem.errors.length === 0 && <p>{problem.message}</p>}
      {atFields.length > 0 && (
        <ul className="problem-list">
          {atFields.map((error) => {
            const { control, label } = controls.get(error.field)!;
            return <li key={error.field}><a href={`#${control.id}`} onClick={(event) => { event.preventDefault(); control.focus(); }}>{label}</a>: {sentenceOf(error.message)}</li>;
          })}
        </ul>
      )}
      {elsewhere.length > 0 && (
        <ul className="problem-list">{elsewhere.map((error) => <li key={error.field}>{/^[A-Z]/.test(error.message) ? error.message : `${fieldWords(error.field)} ${error.message}`}</li>)}</ul>
      )}
      </div>
    </div>
  );
}

function sentenceOf(message: string): string {
  return /^[A-Z]/.test(message) ? message : message.charAt(0).toUpperCase() + message.slice(1);
}

const noticeIcons: Record<'info' | 'warning' | 'success', LucideIcon> = { info: Info, warning: TriangleAlert, success: CircleCheck };

export function Notice({ kind = 'info', children }: { kind?: 'info' | 'warning' | 'success'; children: ReactNode }) {
  const Icon = noticeIcons[kind];
  return <div className={`notice notice-${kind}`} role={kind === 'warning' ? 'note' : 'status'}><Icon className="icon" /><div className="message-body">{children}</div></div>;
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(copyWithSelection(text));
    }
  };
  return <button type="button" className="secondary" onClick={() => void copy()}>{copied ? <Check className="icon" /> : <Copy className="icon" />}{copied ? 'Copied' : label}</button>;
}

/** The Clipboard API needs a secure context; over plain http on a LAN address, fall back to a selection. */
function copyWithSelection(text: string): boolean {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } finally {
    area.remove();
  }
}

/** A secret shown exactly once: the value, a copy button and the warning that it will not come back. */
export function ShownOnce({ label, value, warning }: { label: string; value: string; warning: string }) {
  return (
    <div className="shown-once" role="status">
      <p className="shown-once-label">{label}</p>
      <div className="secret-row"><code data-testid="secret">{value}</code><CopyButton text={value} /></div>
      <p className="warning-text">{warning}</p>
    </div>
  );
}

/** A placeholder in the shape of what is coming (grey lines), announced to screen readers by its words. */
export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="skeleton" role="status" aria-busy="true">
      <span className="sr-only">{what}…</span>
      <span className="skeleton-line title" /><span className="skeleton-line" /><span className="skeleton-line" /><span className="skeleton-line short" />
    </div>
  );
}

/** A value still on its way, inside a sentence or a card: one grey bar, read out as "Loading". */
export function LoadingValue() {
  return <span className="skeleton-value" aria-busy="true"><span className="sr-only">Loading</span></span>;
}

export function EmptyState({ title, icon: Icon = Inbox, children }: { title: string; icon?: LucideIcon; children?: ReactNode }) {
  return (
    <div className="empty">
      <Icon className="icon" />
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

/** Like useSubmit, for buttons that act on one item of a list. */
export function useAction<A>(action: (argument: A) => Promise<void>): { busy: boolean; problem: ApiProblem | undefined; run(argument: A): Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const run = async (argument: A) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await action(argument);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { title: 'Something went wrong', detail: String(error) }));
    } finally {
      setBusy(false);
    }
  };
  return { busy, problem, run };
}

/** A button that asks once more, in place, before doing something that cannot be undone. */
export function ConfirmButton({ label, question, confirmLabel, busy, onConfirm }: { label: string; question: string; confirmLabel: string; busy?: boolean; onConfirm(): void }) {
  const [asking, setAsking] = useState(false);
  if (!asking) return <button type="button" className="danger secondary" onClick={() => setAsking(true)}>{label}</button>;
  return (
    <span className="confirm-inline" role="group" aria-label={question}>
      <span>{question}</span>
      <button type="button" className="danger" disabled={busy} onClick={() => { setAsking(false); onConfirm(); }}>{confirmLabel}</button>
      <button type="button" className="secondary" onClick={() => setAsking(false)}>Keep</button>
    </span>
  );
}
