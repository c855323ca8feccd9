// Homeport's own user and the seats, read and repaired in the host's database (Synapse's schema),
// where nothing a customer does inside the host can stop Homeport.
import type pg from 'pg';

/**
 * Puts Homeport's user back as Synapse's admin API would have left it: server admin, active,
 * unlocked, not suspended or shadow-banned, a `support` user (never a seat), with Homeport's
 * password. Answers false when the user does not exist (shared-secret registration makes it).
 * Synapse caches users: it must be restarted afterwards.
 */
export async function restoreHomeportUserRow(client: pg.Client, userId: string, passwordHash: string): Promise<boolean> {
  await client.query('BEGIN');
  try {
    const updated = await client.query(
      `UPDATE users SET admin = 1, deactivated = 0, locked = false, suspended = false, shadow_banned = false,
         approved = true, user_type = 'support', password_hash = $2 WHERE name = $1`,
      [userId, passwordHash],
    );
    // A support user never takes a seat; one registered before it was one may still hold a row.
    await client.query('DELETE FROM monthly_active_users WHERE user_id = $1', [userId]);
    await client.query('DELETE FROM erased_users WHERE user_id = $1', [userId]);
    await client.query('DELETE FROM users_pending_deactivation WHERE user_id = $1', [userId]);
    await client.query('COMMIT');
    return updated.rowCount === 1;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/**
 * Seats in use: Synapse's own count of monthly active users (app service users left out), read
 * from the table Synapse writes each time a user becomes active. Synapse's Prometheus gauge
 * `synapse_admin_mau_current` says the same but is refreshed only every 5 minutes, so a
 * customer adding a user right after a colleague's first login would be told a stale figure.
 */
export async function countMonthlyActiveUsers(client: pg.Client): Promise<number> {
  const result = await client.query<{ count: string }>(
    `SELECT COUNT(*) AS count FROM monthly_active_users
       LEFT JOIN users ON monthly_active_users.user_id = users.name
     WHERE users.appservice_id IS NULL OR users.appservice_id = ''`,
  );
  return Number(result.rows[0]?.count ?? 0);
}
