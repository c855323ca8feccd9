// Toasts: a short message that a long action finished and where its result is (with a link),
// kept outside the page tree so it survives the navigation that usually follows the action.
import { useEffect, useState } from 'react';
import { Link } from './router.tsx';

export interface Toast {
  id: number;
  message: string;
  link?: { to: string; label: string };
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<(current: Toast[]) => void>();

function publish(next: Toast[]): void {
  toasts = next;
  for (const listener of listeners) listener(toasts);
}

export function showToast(message: string, link?: Toast['link']): void {
  publish([...toasts, { id: nextId++, message, ...(link ? { link } : {}) }]);
}

function dismiss(id: number): void {
  publish(toasts.filter((toast) => toast.id !== id));
}

/** The live region every page has; a toast stays until dismissed, so nobody misses it. */
export function Toasts() {
  const [current, setCurrent] = useState(toasts);
  useEffect(() => {
    listeners.add(setCurrent);
    return () => void listeners.delete(setCurrent);
  }, []);
  return (
    <div className="toasts" role="status" aria-live="polite">
      {current.map((toast) => (
        <div className="toast" key={toast.id} data-testid="toast">
          <span>{toast.message}</span>
          {toast.link && <Link to={toast.link.to} onClick={() => dismiss(toast.id)}>{toast.link.label}</Link>}
          <button type="button" className="link-button" onClick={() => dismiss(toast.id)} aria-label="Dismiss message">Dismiss</button>
        </div>
      ))}
    </div>
  );
}
