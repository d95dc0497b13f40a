// The example storefront bought from in real headless Chromium: store → Fintoc's hosted page
// (the local simulator's) → back to the store, which asks the API how the payment ended.
//
// Started by StorefrontBrowserTest (./mvnw verify), which brings up the local stack and passes:
//   STORE_URL       the storefront, on a different origin from API_URL so CORS is exercised
//   API_URL         the local stack's API
//   SCREENSHOT_DIR  where screenshots of each step are kept
//   CHROMIUM        the browser to drive (Debian's /usr/bin/chromium by default; none is downloaded)
//   ORDER_SIGNING_SECRET  the stack's key for signed orders, as a merchant's backend holds it
//   STACK_NOW_MS    the stack's clock (fixed), which a backend's clock agrees with
//   FINTOC_URL, FINTOC_SECRET_KEY  the Fintoc simulator and its (local, test) key: the tests count
//                   the sessions "Fintoc" holds for an order
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { signOrder } from '../../examples/sign-order.mjs';
import { describe } from '../../storefront/checkout.js';

const STORE_URL = process.env.STORE_URL;
const API_URL = process.env.API_URL;
const SHOTS = process.env.SCREENSHOT_DIR || 'target/screenshots';
const FINTOC_URL = process.env.FINTOC_URL;
mkdirSync(SHOTS, { recursive: true });

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
});
after(async () => { await browser?.close(); });

/** A fresh customer: own cookies and sessionStorage, page errors collected. */
async function customer(name) {
  const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const shot = (step) => page.screenshot({ path: `${SHOTS}/${name}-${step}.png`, fullPage: true });
  return { page, errors, shot, close: () => context.close() };
}

/** The store, once it has listed the catalog's prices (GET /prices on the API's origin). */
async function openStore({ page }) {
  await page.goto(`${STORE_URL}/?api=${encodeURIComponent(API_URL)}`);
  await page.waitForSelector('#products:not([aria-busy])');
}

/** The sessions Fintoc (the simulator) holds for this order label, newest first. */
async function fintocSessions(order) {
  const response = await fetch(new URL('/v2/checkout_sessions', FINTOC_URL), {
    headers: { authorization: process.env.FINTOC_SECRET_KEY },
  });
  assert.equal(response.status, 200);
  return (await response.json()).filter((session) => session.metadata?.order_id === order);
}

/** The checkout the store keeps in this browser (checkout.js), or null. */
const kept = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('fintoc-checkout:open')));

/** The order label a status page shows ("… · order order-1a2b3c4d."). */
async function orderShown(page) {
  return (await page.textContent('#detail')).match(/order (order-[\w-]+)/)[1];
}

/** Store → Pay → the hosted page; returns once the hosted page shows. */
async function checkout(c, { amount = /\$15\.000 CLP/ } = {}) {
  const { page, shot } = c;
  if (!page.url().startsWith(STORE_URL)) await openStore(c);
  await shot('1-store');
  await page.click('#pay');
  await page.waitForSelector('button[value="succeeded"]');
  assert.match(await page.textContent('h1'), amount);
  await shot('2-hosted-page');
}

test('an expired checkout whose transfer has no outcome yet is not over for the store', () => {
  // The server keeps such an order's checkout (CheckoutSession.endedUnpaid); the store must keep
  // its key too, or the next Pay opens a second checkout beside a transfer that may complete.
  for (const payment of ['created', 'in_progress', 'processing']) {
    assert.deepEqual(describe({ status: 'expired', payment_status: payment }), { state: 'waiting', final: false }, payment);
  }
  assert.equal(describe({ status: 'expired', payment_status: null }).state, 'expired');
  assert.equal(describe({ status: 'expired', payment_status: 'expired' }).state, 'expired');
});

test('the store shows the catalog the server charges from', async () => {
  const c = await customer('catalog');
  await openStore(c);
  const rows = await c.page.$$eval('.product', (products) => products.map((p) =>
    [p.querySelector('label').textContent.trim(), p.querySelector('span').textContent]));
  assert.deepEqual(rows, [['Café de grano 1 kg', '$15.000'], ['Café molido 250 g', '$5.990'], ['Taza de cerámica', '$8.500']]);
  assert.equal(await c.page.textContent('#total'), '$15.000');
  assert.deepEqual(c.errors, []);
  await c.close();
});

test('a customer who buys several items pays the catalog total and sees the order paid', async () => {
  const c = await customer('several');
  await openStore(c);
  await c.page.fill('input[name="qty-price_taza"]', '2');
  assert.equal(await c.page.textContent('#total'), '$32.000');
  await checkout(c, { amount: /\$32\.000 CLP/ });
  await c.page.click('button[value="succeeded"]');
  await c.page.waitForSelector('#status[data-state="paid"]', { timeout: 20_000 });
  assert.match(await c.page.textContent('#detail'), /\$32\.000/);
  await c.shot('3-success');
  assert.deepEqual(c.errors, []);
  await c.close();
});

test('a customer who pays sees the order confirmed as paid', async () => {
  const c = await customer('paid');
  await checkout(c);
  await c.page.click('button[value="succeeded"]');
  await c.page.waitForURL(/\/success\.html/);
  await c.page.waitForSelector('#status[data-state="paid"]', { timeout: 20_000 });
  assert.equal(await c.page.textContent('#headline'), 'Payment received. Thank you!');
  const order = (await c.page.textContent('#detail')).match(/order (order-[\w-]+)/)[1];
  await c.shot('3-success');
  // The merchant's side: the example backend heard checkout.session.paid for this order, once.
  await c.page.goto(`${STORE_URL}/merchant/`);
  const paidRow = `tr[data-type="checkout.session.paid"][data-order="${order}"]`;
  await c.page.waitForSelector(paidRow, { timeout: 20_000 });
  assert.equal(await c.page.locator(paidRow).count(), 1);
  await c.shot('4-merchant-heard-paid');
  assert.deepEqual(c.errors, []);
  await c.close();
});

test('the merchant refunds part of a paid order and hears the refund succeed', async () => {
  const c = await customer('refund');
  await checkout(c);
  await c.page.click('button[value="succeeded"]');
  await c.page.waitForSelector('#status[data-state="paid"]', { timeout: 20_000 });
  const order = await orderShown(c.page);
  // The merchant's back office: the Refund button asks its backend, which calls the IAM route.
  await c.page.goto(`${STORE_URL}/merchant/`);
  const paidRow = c.page.locator(`tr[data-type="checkout.session.paid"][data-order="${order}"]`);
  await paidRow.waitFor({ timeout: 20_000 });
  await paidRow.locator('input').fill('5000');
  await paidRow.locator('button').click();
  const answer = paidRow.locator('output[data-status]');
  await answer.waitFor({ timeout: 20_000 });
  assert.notEqual(await answer.getAttribute('data-status'), 'refused', await answer.textContent());
  assert.match(await answer.textContent(), /rf_\w+/);
  await c.shot('1-refund-requested');
  // Fintoc (the simulator) moves the refund on; its webhook commits it, and the order event comes.
  const succeeded = `tr[data-type="refund.succeeded"][data-order="${order}"]`;
  await c.page.waitForSelector(`${succeeded}[data-refunded="partial"]`, { timeout: 20_000 });
  assert.equal(await c.page.locator(succeeded).count(), 1);
  assert.match(await c.page.textContent(succeeded), /5000 of 15000 CLP returned/);
  await c.shot('2-refund-succeeded');
  assert.deepEqual(c.errors, []);
  await c.close();
});

test('a customer whose payment fails is told so, not shown a confirmation', async () => {
  const c = await customer('failed');
  await checkout(c);
  await c.page.click('button[value="failed"]');
  await c.page.waitForURL(/\/success\.html/);
  await c.page.waitForSelector('#status[data-state="failed"]', { timeout: 20_000 });
  assert.equal(await c.page.textContent('#headline'), 'Payment failed');
  await c.shot('3-failed');
  assert.deepEqual(c.errors, []);
  await c.close();
});

test('a customer who cancels is told the checkout stays open, and the store keeps the order', async () => {
  const c = await customer('cancelled');
  await checkout(c);
  await c.page.click('button[value="cancel"]');
  await c.page.waitForURL(/\/cancel\.html/);
  // The checkout can still be paid until it expires: the page does not claim "nothing was charged".
  await c.page.waitForSelector('#status[data-state="waiting"]', { timeout: 20_000 });
  assert.equal(await c.page.textContent('#headline'), 'Payment not finished');
  assert.match(await c.page.textContent('#detail'), /may still be in progress/);
  assert.ok((await kept(c.page))?.key, 'the order and its Idempotency-Key are kept');
  await c.shot('3-cancelled');
  assert.deepEqual(c.errors, []);
  await c.close();
});

test('a payment left pending shows as pending, then as paid once the bank settles it', async () => {
  const c = await customer('pending');
  await checkout(c);
  const hosted = c.page.url();
  await c.page.click('button[value="pending"]');
  await c.page.waitForSelector('#status[data-state="pending"]', { timeout: 20_000 });
  await c.shot('3-pending');
  // The bank settles it: on the hosted page, as an operator of the simulator.
  const settle = await c.page.context().newPage();
  await settle.goto(hosted);
  await settle.click('button[value="succeeded"]');
  await c.page.waitForSelector('#status[data-state="paid"]', { timeout: 20_000 });
  await c.shot('4-paid');
  assert.deepEqual(c.errors, []);
  await c.close();
});

test('an order the merchant\'s backend signed (examples/sign-order.mjs) is paid from the store', async () => {
  const c = await customer('signed');
  await openStore(c);
  // The backend priced the order (a discount the catalog does not know) and signed it.
  const token = signOrder({
    order_id: `order-${Date.now()}`, amount: 13500, currency: 'CLP',
    line_items: [{ quantity: 1, price_data: { currency: 'CLP', unit_amount: 13500, product_data: { name: 'Café de grano 1 kg, -10 %' } } }],
  }, process.env.ORDER_SIGNING_SECRET, { now: Number(process.env.STACK_NOW_MS) }); // the shop's clock, fixed in this test
  await c.page.evaluate(async ({ api, token }) => {
    const { startCheckout } = await import('./checkout.js');
    await startCheckout(api, { order_token: token, success_url: new URL('success.html', location.href).href,
      cancel_url: new URL('cancel.html', location.href).href });
  }, { api: API_URL, token });
  await c.page.waitForSelector('button[value="succeeded"]');
  assert.match(await c.page.textContent('h1'), /\$13\.500 CLP/);
  await c.page.click('button[value="succeeded"]');
  await c.page.waitForSelector('#status[data-state="paid"]', { timeout: 20_000 });
  await c.shot('3-success');
  assert.deepEqual(c.errors, []);
  await c.close();
});

test('a returning customer with a RUT buys again, and both orders are paid', async () => {
  const c = await customer('returning');
  const orders = [];
  for (const visit of [1, 2]) {
    await openStore(c);
    assert.equal(await c.page.inputValue('input[name="rut"]'), '', 'a paid order leaves nothing behind');
    await c.page.fill('input[name="rut"]', '12.345.678-5');
    await c.page.fill('input[name="email"]', 'cliente@example.com');
    await c.page.click('#pay');
    await c.page.waitForSelector('button[value="succeeded"]');
    await c.shot(`${visit}-hosted-page`);
    await c.page.click('button[value="succeeded"]');
    await c.page.waitForSelector('#status[data-state="paid"]', { timeout: 20_000 });
    await c.shot(`${visit}-success`);
    orders.push(await orderShown(c.page));
    assert.equal(await kept(c.page), null, 'the paid order is forgotten');
  }
  assert.notEqual(orders[0], orders[1]);
  // The first purchase introduced the customer to Fintoc (customer_data). The second carries the
  // same RUT, typed in a browser: a stranger's word, so it is never bound to that customer nor sent
  // to change it — the session goes without customer_data, with the email kept for Fintoc's
  // receipts (docs/security.md, "Customers, tax ids and the oracle").
  const [first, ...moreFirst] = await fintocSessions(orders[0]);
  const [second, ...moreSecond] = await fintocSessions(orders[1]);
  assert.equal(moreFirst.length + moreSecond.length, 0, 'one checkout per order');
  assert.ok(first.customer, `the first session (${orders[0]}) names the new customer`);
  assert.equal(second.customer, null, `the second session (${orders[1]}) names nobody`);
  assert.equal(second.customer_email, 'cliente@example.com');
  assert.deepEqual(c.errors, []);
  await c.close();
});

for (const left of ['in_progress', 'created']) {
  test(`a customer who leaves mid-transfer (payment ${left}) is told it may still complete, and Pay continues the same checkout`, async () => {
    const c = await customer(`left-${left}`);
    await openStore(c);
    await c.page.fill('input[name="qty-price_taza"]', '1');
    await checkout(c, { amount: /\$23\.500 CLP/ });
    const hosted = c.page.url();
    await c.page.click(`button[value="${left}"]`);
    await c.page.waitForURL(/\/cancel\.html/);
    await c.page.waitForSelector('#status[data-state="waiting"]', { timeout: 20_000 });
    assert.match(await c.page.textContent('#detail'), /Your payment may still be in progress/);
    const order = await orderShown(c.page);
    await c.shot('3-cancel-page');

    // Back in the store: the same cart, and the open checkout named.
    await c.page.click('#back');
    await c.page.waitForSelector('#products:not([aria-busy])');
    assert.equal(await c.page.inputValue('input[name="qty-price_taza"]'), '1');
    await c.page.waitForSelector('#open-checkout[data-state="waiting"]', { timeout: 20_000 });
    assert.match(await c.page.textContent('#open-checkout'), /may still be in progress/);
    assert.equal(await c.page.textContent('#pay'), 'Continue the payment');
    await c.shot('4-back-in-store');

    // Pay: the same Idempotency-Key and order, so the same session at Fintoc.
    await c.page.click('#pay');
    await c.page.waitForSelector('button[value="succeeded"]');
    assert.equal(c.page.url(), hosted, 'the same hosted page (the same session)');
    assert.equal(await c.page.textContent('#payment-status'), left);
    await c.page.click('button[value="succeeded"]');
    await c.page.waitForSelector('#status[data-state="paid"]', { timeout: 20_000 });
    await c.shot('5-paid');
    assert.equal((await fintocSessions(order)).length, 1, 'one session for the order at Fintoc');
    assert.equal(await kept(c.page), null, 'the paid order is forgotten');
    assert.deepEqual(c.errors, []);
    await c.close();
  });
}

// Replacing a checkout needs the server to hand out a checkout_secret (issue 22 (d)); a server
// without it opens a second checkout, which is what these two cases forbid. They skip only there
// (and StorefrontBrowserTest fails on a skip). Asked on the store's own pages: the hosted page is
// another origin, with another localStorage.
async function secretHeld(t, page) {
  if ((await kept(page))?.secret) return true;
  t.skip('the server sent no checkout_secret: superseding a checkout is not built here');
  return false;
}

test('a customer who changes the cart replaces the open checkout: the old one expires at Fintoc', async (t) => {
  const c = await customer('changed-cart');
  await checkout(c);
  const first = new URL(c.page.url()).pathname.split('/').pop();
  await c.page.click('button[value="cancel"]');
  await c.page.waitForURL(/\/cancel\.html/);
  await c.page.waitForSelector('#status[data-state="waiting"]', { timeout: 20_000 });
  if (!await secretHeld(t, c.page)) return c.close();
  const order = await orderShown(c.page);
  await c.page.click('#back');
  await c.page.waitForSelector('#products:not([aria-busy])');
  await c.page.fill('input[name="qty-price_molido_250g"]', '2');
  assert.equal(await c.page.textContent('#pay'), 'Pay with Fintoc');
  await c.page.click('#pay');
  await c.page.waitForSelector('button[value="succeeded"]');
  assert.match(await c.page.textContent('h1'), /\$26\.980 CLP/);
  const second = new URL(c.page.url()).pathname.split('/').pop();
  assert.notEqual(second, first);
  const statuses = Object.fromEntries((await fintocSessions(order)).map((s) => [s.id, s.status]));
  assert.deepEqual(statuses, { [first]: 'expired', [second]: 'created' });
  await c.page.click('button[value="succeeded"]');
  await c.page.waitForSelector('#status[data-state="paid"]', { timeout: 20_000 });
  await c.shot('3-paid');
  assert.deepEqual(c.errors, []);
  await c.close();
});

test('a customer who changes the cart after starting the transfer is told so, and continues that payment', async (t) => {
  const c = await customer('changed-cart-started');
  await checkout(c);
  const hosted = c.page.url();
  await c.page.click('button[value="in_progress"]');
  await c.page.waitForURL(/\/cancel\.html/);
  await c.page.waitForSelector('#status[data-state="waiting"]', { timeout: 20_000 });
  if (!await secretHeld(t, c.page)) return c.close();
  const order = await orderShown(c.page);
  await c.page.click('#back');
  await c.page.waitForSelector('#products:not([aria-busy])');
  await c.page.fill('input[name="qty-price_molido_250g"]', '2');
  await c.page.click('#pay');
  await c.page.waitForSelector('#continue:not([hidden])');
  assert.notEqual(await c.page.textContent('#error'), '');
  await c.shot('3-payment-started');
  await c.page.click('#continue');
  await c.page.waitForSelector('button[value="succeeded"]');
  assert.equal(c.page.url(), hosted, 'the checkout being paid, not a new one');
  assert.equal((await fintocSessions(order)).length, 1);
  // Chromium logs the refused request itself; nothing else may go wrong.
  assert.deepEqual(c.errors.filter((e) => !/status of 409/.test(e)), []);
  await c.close();
});
