// The storefront side of fintoc-checkout-lambda, in one small module a merchant can copy.
//
//   import { startCheckout, watchSession } from './checkout.js';
//   await startCheckout(api, order);                 // → the browser goes to Fintoc's page
//   watchSession(api, sessionId, (view) => render(view));   // on the success page
//
// The success page never trusts the redirect alone: it asks the API until the payment settles.

const STORAGE_KEY = 'fintoc-checkout';

/** Where the API is: ?api=… (remembered for the pages that follow), else this page's origin. */
export function apiBase() {
  const fromQuery = new URLSearchParams(location.search).get('api');
  if (fromQuery) sessionStorage.setItem(`${STORAGE_KEY}:api`, fromQuery);
  return (fromQuery || sessionStorage.getItem(`${STORAGE_KEY}:api`) || location.origin).replace(/\/$/, '');
}

/**
 * Creates the checkout session and sends the browser to Fintoc's hosted page. One Idempotency-Key
 * per order, kept across retries, so a double click or a retried request makes one session.
 */
export async function startCheckout(api, order) {
  const keyName = `${STORAGE_KEY}:key:${order.metadata.order_id}`;
  const idempotencyKey = sessionStorage.getItem(keyName) || crypto.randomUUID();
  sessionStorage.setItem(keyName, idempotencyKey);

  const response = await fetch(`${api}/checkout-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(order),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = body.error?.message || `The payment could not start (HTTP ${response.status}).`;
    throw Object.assign(new Error(message), { status: response.status, body });
  }
  sessionStorage.setItem(`${STORAGE_KEY}:session`, body.id);
  location.assign(body.redirect_url);
}

/** The session this browser last started, or ?session=… */
export function lastSessionId() {
  return new URLSearchParams(location.search).get('session') || sessionStorage.getItem(`${STORAGE_KEY}:session`);
}

/**
 * What a GetSession answer means for the customer:
 * paid | pending | action | failed | expired | waiting (nothing known yet) | unknown.
 */
export function describe(session) {
  const payment = session.payment_status;
  if (payment === 'succeeded') return { state: 'paid', final: true };
  if (payment === 'failed' || payment === 'rejected') return { state: 'failed', final: true };
  if (payment === 'requires_action') return { state: 'action', final: false, nextAction: session.next_action };
  if (payment === 'pending') return { state: 'pending', final: false };
  if (session.status === 'expired' || payment === 'expired') return { state: 'expired', final: true };
  return { state: 'waiting', final: false };
}

/**
 * Polls GET /checkout-sessions/{id} and calls onChange(view) whenever the state changes, until it is
 * final or `timeoutMs` passes. Returns a function that stops polling.
 */
export function watchSession(api, id, onChange, { intervalMs = 1500, timeoutMs = 10 * 60 * 1000 } = {}) {
  let stopped = false;
  let last = '';
  const deadline = Date.now() + timeoutMs;
  const tick = async () => {
    if (stopped) return;
    let view;
    try {
      const response = await fetch(`${api}/checkout-sessions/${encodeURIComponent(id)}`);
      const body = await response.json().catch(() => ({}));
      view = response.ok ? { ...describe(body), session: body }
        : { state: response.status === 404 ? 'unknown' : 'retrying', final: response.status === 404, error: body.error };
    } catch (networkError) {
      view = { state: 'retrying', final: false };
    }
    const signature = JSON.stringify([view.state, view.session?.updated_at]);
    if (signature !== last) {
      last = signature;
      onChange(view);
    }
    if (!view.final && Date.now() < deadline) setTimeout(tick, intervalMs);
  };
  tick();
  return () => { stopped = true; };
}

/** CLP has no minor unit; MXN amounts are in centavos. */
export function formatMoney(amount, currency) {
  const units = currency === 'MXN' ? amount / 100 : amount;
  return new Intl.NumberFormat(currency === 'MXN' ? 'es-MX' : 'es-CL', { style: 'currency', currency }).format(units);
}
