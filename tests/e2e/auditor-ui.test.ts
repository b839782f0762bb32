/**
 * The auditor's decision list in Chromium (issue 20), on the seeded decisions: every facet is a
 * choice with a count, narrows the list, and its count is the API's total for the same filter;
 * the filter lives in the URL; times are absolute with their zone; an overridden decision shows
 * its final outcome in the list and on its page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';
import { seedDecisions } from './seed.js';
import type { Seeded } from './seed.js';

const CHROMIUM = '/usr/bin/chromium';

describe('auditor UI: facets, counts, final outcomes', () => {
  let server: TestServer;
  let seeded: Seeded;
  let browser: Browser;

  before(async () => {
    server = await startTestServer();
    seeded = await seedDecisions(server.url, server.keys.default.ingest);
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  after(async () => {
    await browser.close();
    await server.close();
  });

  async function signedIn(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(`${server.url}/ui/signin`);
    await page.fill('#api-key', server.keys.default.auditor);
    await page.press('#api-key', 'Enter');
    await page.waitForSelector('h1:text-is("Decisions")');
    await page.waitForSelector('[data-total]');
    return page;
  }

  /** The API's total for a list query, as the auditor. */
  const apiTotal = async (query: string): Promise<number> => {
    const res = await fetch(`${server.url}/v1/decisions?limit=1&${query}`, {
      headers: { authorization: `Bearer ${server.keys.default.auditor}` },
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { total: number }).total;
  };
  const shownTotal = async (page: Page): Promise<number> =>
    Number(await page.getAttribute('[data-total]', 'data-total'));

  test('each facet narrows the list, and its count is the API’s total', async () => {
    const page = await signedIn();
    const all = await shownTotal(page);
    assert.equal(all, seeded.ids.length);
    const facets = await Promise.all(
      (await page.locator('select[data-facet]').all()).map(
        async (e) => (await e.getAttribute('name')) ?? '',
      ),
    );
    assert.deepEqual(facets, [
      'agent',
      'agentVersion',
      'action',
      'model',
      'promptVersion',
      'policyVersion',
      'overridden',
      'erased',
    ]);
    let narrowed = 0;
    for (const name of facets) {
      await page.goto(`${server.url}/ui/decisions`);
      await page.waitForSelector('[data-total]');
      // The choices are the data's own values, each with its count.
      const options = await Promise.all(
        (await page.locator(`#f-${name} option`).all()).map(async (e) => ({
          value: (await e.getAttribute('value')) ?? '',
          count: Number((await e.getAttribute('data-count')) ?? 'NaN'),
        })),
      );
      const choice = options.find((o) => o.value !== '' && o.count > 0 && o.count < all);
      if (choice === undefined) continue; // e.g. nothing erased: one value only
      await page.selectOption(`#f-${name}`, choice.value);
      await page.click('button:text("Apply filters")');
      await page.waitForURL(new RegExp(`[?&]${name}=`));
      await page.waitForSelector('[data-total]');
      const shown = await shownTotal(page);
      assert.equal(shown, choice.count, `${name}=${choice.value}`);
      assert.equal(
        shown,
        await apiTotal(`${name}=${encodeURIComponent(choice.value)}`),
        `${name}=${choice.value}`,
      );
      assert.equal(await page.locator('table.decisions tbody tr').count(), Math.min(shown, 50));
      // The URL is the view: opened again, it shows the same.
      const shared = page.url();
      await page.goto(shared);
      await page.waitForSelector('[data-total]');
      assert.equal(await shownTotal(page), shown);
      narrowed++;
    }
    assert.ok(narrowed >= 6, `${narrowed} facets narrowed the list`);
  });

  test('confidence range, absolute period and sort are in the URL and match the API', async () => {
    const page = await signedIn();
    await page.fill('#f-minConfidence', '0.5');
    await page.fill('#f-maxConfidence', '0.9');
    await page.selectOption('#f-sort', 'confidence_desc');
    await page.click('button:text("Apply filters")');
    await page.waitForURL(/minConfidence=0.5/);
    await page.waitForSelector('[data-total], .notice');
    assert.match(page.url(), /sort=confidence_desc/);
    const total = await shownTotal(page);
    assert.equal(total, await apiTotal('minConfidence=0.5&maxConfidence=0.9'));
    const shown = await page
      .locator('table.decisions tbody td[data-label="Confidence"]')
      .allTextContents();
    const values = shown.map((t) => Number(t.replace('%', '')));
    assert.deepEqual(
      values,
      [...values].sort((a, b) => b - a),
    );
    // Times are absolute, with their zone; the relative time is only a hint.
    const when = page.locator('table.decisions tbody td[data-label="When"] time').first();
    assert.match((await when.textContent()) ?? '', /\d{4}.*\d{1,2}:\d\d:\d\d.*(UTC|GMT)/);
    assert.match((await when.getAttribute('title')) ?? '', /ago|yesterday|today|last|now/);
  });

  test('an overridden decision shows its final outcome in the list and on its page', async () => {
    const page = await signedIn();
    await page.selectOption('#f-overridden', 'true');
    await page.click('button:text("Apply filters")');
    await page.waitForURL(/overridden=true/);
    await page.waitForSelector('table.decisions tbody tr');
    assert.equal(await shownTotal(page), 1);
    const outcome =
      (await page.textContent('table.decisions tbody td[data-label="Outcome"]')) ?? '';
    assert.match(outcome, /→ ✓ approve by underwriter\.j\.osei, \d{4}-\d\d-\d\d/);
    await page.click(`a[href="/ui/decisions/${seeded.loan.id}"]`);
    await page.waitForSelector('.decision-head .final-outcome.changed');
    assert.match(
      (await page.textContent('.decision-head .meta')) ?? '',
      /→ ✓ approve by underwriter\.j\.osei/,
    );
  });
});
