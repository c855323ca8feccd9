// Helpers the billing and account tests share: a query against Homeport's own database, an
// operator's API token, and the check of a problem-details answer.
import assert from 'node:assert/strict';
import type { ApiAnswer, HomeportProcess, Problem } from './homeport-process.ts';
import { openHomeportDatabase } from './host-admin.ts';

export type HomeportDb = Awaited<ReturnType<typeof openHomeportDatabase>>['db'];

/** Runs one action against Homeport's database and closes the connection afterwards. */
export async function withHomeportDb<T>(homeport: HomeportProcess, action: (db: HomeportDb) => Promise<T>): Promise<T> {
  const opened = await openHomeportDatabase(homeport);
  try {
    return await action(opened.db);
  } finally {
    await opened.close();
  }
}

/** Creates an operator account through the CLI and answers its API token. */
export async function createOperatorToken(homeport: HomeportProcess, email = 'op@example.org'): Promise<string> {
  const created = await homeport.cli(['account', 'create', '--email', email, '--name', 'Op', '--operator', '--with-token']);
  const token = /^token (\S+)$/m.exec(created.stdout)?.[1];
  assert.ok(token, created.stdout);
  return token;
}

/** Asserts an answer is a problem with this status whose detail matches. */
export function assertProblem(answer: Pick<ApiAnswer<unknown>, 'status' | 'body'>, status: number, detail: RegExp): Problem {
  const problem = answer.body as Problem;
  assert.equal(answer.status, status, JSON.stringify(problem));
  assert.match(problem.detail, detail);
  return problem;
}
