// /api/v1/hosts/{id}/users: the Matrix users of a host, managed through Homeport's admin access.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AddUserBody, AddedUser, AdminBody, DeactivateBody, HostUser, HostUserPage, HostUserParams, PasswordBody, PasswordReset, UserListQuery, UserWithWarning } from '../../contract/host-users.ts';
import { HostParams } from '../../contract/hosts.ts';
import {
  addHostUser, adminRightsRemoved, adminRightsWarning, deactivateHostUser, keyBackupWarning, listHostUsers,
  passwordShownOnce, resetHostUserPassword, setHostUserAdmin, showHostUser,
} from '../../jobs/commands/host-users.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { accountSecurity, requireAccount } from '../authentication.ts';
import { Problem } from '../problem-details.ts';
import { hostUserView } from '../views/host-user-view.ts';

const errors = { 400: Problem, 401: Problem, 404: Problem, 409: Problem, 422: Problem, 503: Problem };
const tags = ['server admin'];

export function hostUserRoutes(context: HomeportContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/hosts/:id/users', {
      schema: {
        tags, summary: "List a host's users, a page at a time", security: accountSecurity,
        params: HostParams, querystring: UserListQuery, response: { 200: HostUserPage, ...errors },
      },
    }, async (request) => {
      const account = requireAccount(request);
      const { from, limit, search, deactivated } = request.query;
      const page = await listHostUsers(context, account.id, request.params.id, { from, limit: limit ?? 50, search, includeDeactivated: deactivated ?? true });
      return { users: page.users.map(hostUserView), next: page.nextToken, total: page.total };
    });

    app.post('/hosts/:id/users', {
      schema: {
        tags, summary: 'Add a user; the generated password is in this answer only', security: accountSecurity,
        params: HostParams, body: AddUserBody, response: { 201: AddedUser, ...errors },
      },
    }, async (request, reply) => {
      const account = requireAccount(request);
      const { user, password } = await addHostUser(context, account.id, request.params.id, request.body);
      reply.status(201).header('location', `/api/v1/hosts/${encodeURIComponent(request.params.id)}/users/${encodeURIComponent(user.userId)}`);
      return { user: hostUserView(user), password, warning: passwordShownOnce };
    });

    app.get('/hosts/:id/users/:userId', {
      schema: { tags, summary: 'Show a user', security: accountSecurity, params: HostUserParams, response: { 200: HostUser, ...errors } },
    }, async (request) => {
      const account = requireAccount(request);
      return hostUserView(await showHostUser(context, account.id, request.params.id, request.params.userId));
    });

    app.put('/hosts/:id/users/:userId/admin', {
      schema: {
        tags, summary: 'Make a user server admin, or take the rights away', security: accountSecurity,
        params: HostUserParams, body: AdminBody, response: { 200: UserWithWarning, ...errors },
      },
    }, async (request) => {
      const account = requireAccount(request);
      const user = await setHostUserAdmin(context, account.id, request.params.id, request.params.userId, request.body.admin);
      return { user: hostUserView(user), warning: request.body.admin ? adminRightsWarning : adminRightsRemoved };
    });

    app.post('/hosts/:id/users/:userId/password', {
      schema: {
        tags, security: accountSecurity,
        summary: 'Reset a password (generated or chosen); signs the user out of every session',
        description: keyBackupWarning,
        params: HostUserParams, body: PasswordBody, response: { 200: PasswordReset, ...errors },
      },
    }, async (request) => {
      const account = requireAccount(request);
      const { user, generatedPassword } = await resetHostUserPassword(context, account.id, request.params.id, request.params.userId, request.body.password);
      return { user: hostUserView(user), ...(generatedPassword === undefined ? {} : { password: generatedPassword }), loggedOut: true, warning: keyBackupWarning };
    });

    app.post('/hosts/:id/users/:userId/deactivate', {
      schema: {
        tags, summary: 'Deactivate a user for good, confirmed by the full user ID', security: accountSecurity,
        params: HostUserParams, body: DeactivateBody, response: { 200: HostUser, ...errors },
      },
    }, async (request) => {
      const account = requireAccount(request);
      return hostUserView(await deactivateHostUser(context, account.id, request.params.id, request.params.userId, request.body));
    });
  };
}
