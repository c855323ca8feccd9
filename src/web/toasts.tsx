// Toasts: a short message that an action finished and, for a long one, where its result is (with a
// link), kept outside the page tree so it survives the navigation that usually follows the action.
// They are read out from a polite live region. A finished long action's toast stays until dismissed;
// a saved form's goes after a while (not while the keyboard or pointer is on it).
import { CircleCheck, Info, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Link } from './router.tsx';

export interface Toast {
  id: number;
  message: string;
  kind: 'success' | 'info';
  link?: { to: string; label: string };
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<(current: Toast[]) => void>();
/** How long a saved form's toast stays. */
const savedToastMs = 10_000;

function publish(next: Toast[]): void {
  toasts = next;
  for (const listener of listeners) listener(toasts);
}

/** Says a long action finished (and where its result is); stays until dismissed. */
export function showToast(message: string, link?: Toast['link'], kind: Toast['kind'] = 'success'): number {
  const toast: Toast = { id: nextId++, message, kind, ...(link ? { link } : {}) };
  // The same message again (a form saved twice) replaces the earlier one instead of piling up.
  publish([...toasts.filter((earlier) => earlier.message !== message), toast]);
  return toast.id;
}

/** Says a form was saved; the toast goes by itself after a few seconds. */
export function showSaved(message: string): void {
  const id = showToast(message);
  const expire = () => {
    const element = document.querySelector(`[data-toast-id="${id}"]`);
    if (element && (element.contains(document.activeElement) || element.matches(':hover'))) setTimeout(expire, 2000);
    else dismiss(id);
  };
  setTimeout(expire, savedToastMs);
}

function dismiss(id: number): void {
  if (toasts.some((toast) => toast.id === id)) publish(toasts.filter((toast) => toast.id !== id));
}

/** The live region every page has. */
export function Toasts() {
  const [current, setCurrent] = useState(toasts);
  useEffect(() => {
    listeners.add(setCurrent);
    return () => void listeners.delete(setCurrent);
  }, []);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {current.map((toast) => {
        const Icon = toast.kind === 'success' ? CircleCheck : Info;
        return (
          <div className="toast" key={toast.id} data-testid="toast" data-toast-id={toast.id}>
            <Icon className="icon" />
            <span className="toast-text">{toast.message}</span>
            <button type="button" className="link-button toast-close" onClick={() => dismiss(toast.id)} aria-label="Dismiss message"><X className="icon" /></button>
            {toast.link && <span className="toast-link"><Link to={toast.link.to} onClick={() => dismiss(toast.id)}>{toast.link.label}</Link></span>}
          </div>
        );
      })}
    </div>
  );
}
