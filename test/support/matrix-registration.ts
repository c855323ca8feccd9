// Registration as a real Matrix client does it: matrix-js-sdk's InteractiveAuth through the edge,
// answering the `m.login.registration_token` stage with a token (the dummy stage it completes itself).
import { AuthType, createClient, InteractiveAuth, MatrixError, type IAuthData, type RegisterResponse } from 'matrix-js-sdk';
import type { HomeportProcess } from './homeport-process.ts';

export interface Registration {
  username: string;
  password: string;
  registrationToken: string;
}

export async function registerThroughEdge(homeport: HomeportProcess, label: string, registration: Registration): Promise<RegisterResponse> {
  const client = createClient({ baseUrl: homeport.edgeUrl(label), fetchFn: await homeport.edgeFetch() });
  return new Promise<RegisterResponse>((resolveOnce, rejectOnce) => {
    // InteractiveAuth submits the dummy stage again after a refusal (e.g. at the seat limit):
    // once the outcome is known, no further request is sent.
    let settled = false;
    const resolve = (value: RegisterResponse) => { settled = true; resolveOnce(value); };
    const reject = (error: unknown) => { settled = true; rejectOnce(error); };
    const auth: InteractiveAuth<RegisterResponse> = new InteractiveAuth<RegisterResponse>({
      matrixClient: client,
      inputs: { registrationToken: registration.registrationToken },
      doRequest: (authDict) => settled ? new Promise<RegisterResponse>(() => undefined) : client.registerRequest({
        username: registration.username, password: registration.password, initial_device_display_name: 'registration test', ...(authDict ? { auth: authDict } : {}),
      }),
      stateUpdated: (stage, status) => {
        if (status.errcode || status.error) reject(new Error(`${stage} failed: ${status.errcode ?? ''} ${status.error ?? ''}`));
        else if (stage === AuthType.RegistrationToken) auth.submitAuthDict({ type: AuthType.RegistrationToken, token: registration.registrationToken }).catch(reject);
        else reject(new Error(`a test client cannot complete the stage ${stage}`));
      },
      requestEmailToken: () => Promise.reject(new Error('no email in these tests')),
    });
    auth.attemptAuth().then(resolve, reject);
  });
}

/**
 * Registration that skips the token stage: the client sends only `m.login.dummy` in the session
 * Synapse opened. Answers Synapse's reply, which should be a 401 with the token stage still open.
 */
export async function registerWithoutToken(homeport: HomeportProcess, label: string, username: string, password: string): Promise<{ httpStatus?: number; data: IAuthData }> {
  const client = createClient({ baseUrl: homeport.edgeUrl(label), fetchFn: await homeport.edgeFetch() });
  const attempt = async (auth?: { type: string; session?: string }) => {
    try {
      await client.registerRequest({ username, password, ...(auth ? { auth } : {}) });
      return { httpStatus: 200, data: {} as IAuthData };
    } catch (error) {
      if (!(error instanceof MatrixError)) throw error;
      return { httpStatus: error.httpStatus, data: error.data as IAuthData };
    }
  };
  const first = await attempt();
  return attempt({ type: AuthType.Dummy, session: first.data.session });
}
