// A real OpenID Connect provider for ipapp's sign-in tests (oidc-provider, OpenID Certified).
//
// Usage: node provider.mjs   with the environment
//   OIDC_PORT           port on 127.0.0.1 (0 or unset: any free port; the issuer says which)
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS (comma-separated)
//   OIDC_JWKS_PATH      where the private signing keys are written, so tests can forge tokens
//                       signed with the provider's real key (wrong aud, iss, nonce, exp)
// Prints "ready <issuer>" once it answers requests.
//
// Like ID-porten: authorization code flow, PKCE required, `acr` levels idporten-loa-*, and the
// national identity number in the ID token's `pid` claim. There are no login forms: the test
// chooses who signs in by adding `login_hint=<account>` (and optionally `test_acr=<level>`) to the
// authorization URL, and the interaction below logs that account in at once. An account whose
// id starts with "nopid-" has no `pid` claim.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const ACR_LEVELS = ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'];
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: `test-${randomBytes(4).toString('hex')}`, alg: 'RS256', use: 'sig' };
const jwks = { keys: [signingKey] };
writeFileSync(env('OIDC_JWKS_PATH'), JSON.stringify(jwks), { mode: 0o600 });

let provider; // made once the port, and so the issuer, is known
const server = createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)/);
  if (!match) return provider.callback()(req, res);
  // The automatic login: the account and acr the test put on the authorization request.
  try {
    const { params, prompt } = await provider.interactionDetails(req, res);
    if (prompt.name !== 'login' || !params.login_hint) {
      res.statusCode = 400;
      return res.end(`test provider: cannot handle prompt ${prompt.name} without login_hint`);
    }
    const acr = params.test_acr || 'idporten-loa-substantial';
    await provider.interactionFinished(req, res, { login: { accountId: params.login_hint, acr, amr: ['TestID'] } }, { mergeWithLastSubmission: false });
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  }
});

server.listen(Number(process.env.OIDC_PORT || 0), '127.0.0.1', () => {
  const issuer = `http://localhost:${server.address().port}`;
  provider = new Provider(issuer, {
    clients: [{
      client_id: env('OIDC_CLIENT_ID'),
      client_secret: env('OIDC_CLIENT_SECRET'),
      redirect_uris: env('OIDC_REDIRECT_URIS').split(','),
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks,
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    acrValues: ACR_LEVELS,
    extraParams: ['test_acr'],
    claims: { openid: ['sub', 'pid'] },
    // ID-porten puts pid in the ID token itself, not only behind the userinfo endpoint.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    async findAccount(_ctx, accountId) {
      return {
        accountId,
        async claims() {
          return accountId.startsWith('nopid-') ? { sub: accountId } : { sub: accountId, pid: accountId };
        },
      };
    },
    // The test client is first-party: grant what it asks for, so there is no consent screen.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
      grant.addOIDCClaims(['sub', 'pid', 'acr']);
      await grant.save();
      return grant;
    },
  });
  console.log(`ready ${issuer}`);
});

process.on('SIGTERM', () => process.exit(0)); // open keep-alive connections must not delay the end
