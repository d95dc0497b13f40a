// Your backend signs the order it priced (HS256 JWT), with order_signing_secret from the
// same Secrets Manager secret; the browser sends it as {"order_token": ...}. No library needed.
import { createHmac } from 'node:crypto';

const part = (json) => Buffer.from(JSON.stringify(json)).toString('base64url');

export function signOrder(order, secret, { minutes = 30, now = Date.now() } = {}) {
  const iat = Math.floor(now / 1000);
  const exp = iat + minutes * 60;
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ ...order, iat, exp })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
