// Server admin: a host's Matrix users. List and search, add (password shown once), make or unmake
// admin (warned), reset a password (after the key backup warning), deactivate (typed confirmation).
import { useState } from 'react';
import { get, post, put, seg } from '../api-client.ts';
import type { HostUser } from '../api-types.ts';
import { EmptyState, Field, Loading, Notice, ProblemBanner, ShownOnce, useSubmit } from '../forms.tsx';
import { formatDate } from '../format.tsx';
import { useApi } from '../use-api.ts';
import { HostAdminFrame } from './host-nav.tsx';
import { adminRightsWarning, keyBackupWarning } from '../../contract/customer-warnings.ts';

interface UserPage {
  users: HostUser[];
  next: number | null;
  total: number;
}

export function HostUsersPage({ hostId }: { hostId: string }) {
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [from, setFrom] = useState(0);
  const [selected, setSelected] = useState<string | undefined>();
  const [added, setAdded] = useState<{ userId: string; password: string; warning: string } | undefined>();
  const users = useApi(() => get<UserPage>(`/hosts/${seg(hostId)}/users?limit=50&from=${from}${applied ? `&search=${encodeURIComponent(applied)}` : ''}`), [hostId, applied, from]);
  return (
    <HostAdminFrame hostId={hostId}>{() => (<>
      <h2>Users</h2>
      {added && <ShownOnce label={`Password of ${added.userId}`} value={added.password} warning={`${added.warning} You will only be able to see it once.`} />}
      <AddUserForm hostId={hostId} onAdded={async (result) => { setAdded(result); await users.reload(); }} />
      <form className="search" role="search" onSubmit={(event) => { event.preventDefault(); setFrom(0); setApplied(search.trim()); }}>
        <Field label="Search users" name="search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="submit" className="secondary">Search</button>
      </form>
      <ProblemBanner problem={users.problem} />
      {!users.data ? (users.problem ? null : <Loading what="Loading users" />) : users.data.users.length === 0 ? (
        <EmptyState title={applied ? `No users match “${applied}”` : 'No users yet'}>{!applied && <p>Add the first user above, or create a registration token so people can sign up themselves.</p>}</EmptyState>
      ) : (
        <>
          <p className="muted">{users.data.total === 1 ? '1 user' : `${users.data.total} users`}</p>
          <table className="users">
            <thead><tr><th>User</th><th>Admin</th><th>Status</th><th>Last seen</th><th><span className="sr-only">Actions</span></th></tr></thead>
            <tbody>
              {users.data.users.map((user) => (
                <UserRow key={user.userId} hostId={hostId} user={user} open={selected === user.userId}
                  onToggle={() => setSelected(selected === user.userId ? undefined : user.userId)} onChanged={users.reload} />
              ))}
            </tbody>
          </table>
          <div className="actions">
            {from > 0 && <button type="button" className="secondary" onClick={() => setFrom(Math.max(0, from - 50))}>Previous</button>}
            {users.data.next !== null && <button type="button" className="secondary" onClick={() => setFrom(users.data!.next!)}>Next</button>}
          </div>
        </>
      )}
    </>)}</HostAdminFrame>
  );
}

function AddUserForm({ hostId, onAdded }: { hostId: string; onAdded(result: { userId: string; password: string; warning: string }): Promise<void> }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [admin, setAdmin] = useState(false);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    const answer = await post<{ user: HostUser; password: string; warning: string }>(`/hosts/${seg(hostId)}/users`, {
      username: username.trim(), ...(displayName.trim() ? { displayName: displayName.trim() } : {}), admin,
    });
    setUsername('');
    setDisplayName('');
    setAdmin(false);
    await onAdded({ userId: answer.user.userId, password: answer.password, warning: answer.warning });
  });
  return (
    <form className="panel-section" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h3>Add user</h3>
      <ProblemBanner problem={problem} />
      <div className="row">
        <Field label="Username" name="username" autoComplete="off" autoCapitalize="none" value={username} onChange={(e) => setUsername(e.target.value)} problem={problem} hint="Lowercase letters, digits and . _ = - / +" />
        <Field label="Display name (optional)" name="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} problem={problem} />
      </div>
      <label className="check"><input type="checkbox" name="admin" checked={admin} onChange={(e) => setAdmin(e.target.checked)} /> Make new user server admin</label>
      {admin && <p className="warning-text">{adminRightsWarning}</p>}
      <button type="submit" disabled={busy || username.trim() === ''}>{busy ? 'Adding…' : 'Add user'}</button>
    </form>
  );
}

function UserRow({ hostId, user, open, onToggle, onChanged }: { hostId: string; user: HostUser; open: boolean; onToggle(): void; onChanged(): Promise<void> }) {
  return (
    <>
      <tr data-user={user.userId}>
        <td data-label="User"><strong>{user.userId}</strong>{user.displayName && <span className="muted"> {user.displayName}</span>}</td>
        <td data-label="Admin">{user.admin ? 'Server admin' : '–'}</td>
        <td data-label="Status">{user.deactivated ? (user.erased ? 'Deactivated, erased' : 'Deactivated') : 'Active'}</td>
        <td data-label="Last seen">{formatDate(user.lastSeenAt)}</td>
        <td>{!user.deactivated && <button type="button" className="secondary" aria-expanded={open} onClick={onToggle}>{open ? 'Close' : 'Manage'}</button>}</td>
      </tr>
      {open && (
        <tr className="user-actions"><td colSpan={5}><UserActions hostId={hostId} user={user} onChanged={onChanged} /></td></tr>
      )}
    </>
  );
}

function UserActions({ hostId, user, onChanged }: { hostId: string; user: HostUser; onChanged(): Promise<void> }) {
  const base = `/hosts/${seg(hostId)}/users/${seg(user.userId)}`;
  const [adminNotice, setAdminNotice] = useState<string | undefined>();
  const [confirmAdmin, setConfirmAdmin] = useState(false);
  const toggleAdmin = useSubmit(async () => {
    const answer = await put<{ user: HostUser; warning: string }>(`${base}/admin`, { admin: !user.admin });
    setAdminNotice(answer.warning);
    setConfirmAdmin(false);
    await onChanged();
  });
  return (
    <div className="user-manage">
      <div className="panel-section">
        <h4>Server admin</h4>
        {adminNotice && <Notice>{adminNotice}</Notice>}
        <ProblemBanner problem={toggleAdmin.problem} />
        {user.admin ? (
          <button type="button" className="secondary" disabled={toggleAdmin.busy} onClick={() => void toggleAdmin.onSubmit()}>Remove server admin</button>
        ) : confirmAdmin ? (
          <>
            <p className="warning-text">{adminRightsWarning}</p>
            <button type="button" className="danger" disabled={toggleAdmin.busy} onClick={() => void toggleAdmin.onSubmit()}>Make server admin</button>{' '}
            <button type="button" className="secondary" onClick={() => setConfirmAdmin(false)}>Keep as is</button>
          </>
        ) : (
          <button type="button" className="secondary" onClick={() => setConfirmAdmin(true)}>Make server admin…</button>
        )}
      </div>
      <ResetPassword base={base} userId={user.userId} />
      <Deactivate base={base} userId={user.userId} onChanged={onChanged} />
    </div>
  );
}

function ResetPassword({ base, userId }: { base: string; userId: string }) {
  const [stage, setStage] = useState<'idle' | 'warned'>('idle');
  const [understood, setUnderstood] = useState(false);
  const [password, setPassword] = useState<string | undefined>();
  const reset = useSubmit(async () => {
    const answer = await post<{ password?: string }>(`${base}/password`, {});
    setPassword(answer.password);
    setStage('idle');
    setUnderstood(false);
  });
  return (
    <div className="panel-section">
      <h4>Reset password</h4>
      {password && <ShownOnce label={`New password of ${userId}`} value={password} warning="This password is shown only once and Homeport does not keep it: send it to the user in a secure way, then delete it." />}
      <ProblemBanner problem={reset.problem} />
      {stage === 'idle' ? (
        <button type="button" className="secondary" onClick={() => { setPassword(undefined); setStage('warned'); }}>Reset password…</button>
      ) : (
        <div className="key-backup-warning">
          <p className="warning-text" role="note">{keyBackupWarning}</p>
          <label className="check"><input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} /> I understand: {userId} will be logged out everywhere</label>
          <button type="button" className="danger" disabled={!understood || reset.busy} onClick={() => void reset.onSubmit()}>Reset password</button>{' '}
          <button type="button" className="secondary" onClick={() => setStage('idle')}>Do not reset</button>
        </div>
      )}
    </div>
  );
}

function Deactivate({ base, userId, onChanged }: { base: string; userId: string; onChanged(): Promise<void> }) {
  const [confirm, setConfirm] = useState('');
  const [erase, setErase] = useState(false);
  const { busy, problem, onSubmit } = useSubmit(async () => {
    await post(`${base}/deactivate`, { erase, confirm });
    await onChanged();
  });
  return (
    <form className="panel-section danger-zone" onSubmit={(event) => void onSubmit(event)} noValidate>
      <h4>Deactivate</h4>
      <p className="warning-text">Deactivation cannot be undone: the user is logged out and can never log in again.</p>
      <ProblemBanner problem={problem} />
      <label className="check"><input type="checkbox" checked={erase} onChange={(e) => setErase(e.target.checked)} /> Also erase: hide their messages from people who join rooms later</label>
      <Field label={`Type ${userId} to confirm`} name="confirm" autoComplete="off" value={confirm} onChange={(e) => setConfirm(e.target.value)} problem={problem} />
      <button type="submit" className="danger" disabled={busy || confirm !== userId}>Deactivate user</button>
    </form>
  );
}
