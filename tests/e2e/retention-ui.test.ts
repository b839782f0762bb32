/**
 * Retention in the web UI, in Chromium (issue 18): a decision whose content a retention purge
 * removed says so ("Purged decision", the purge notice naming the receipt) instead of claiming an
 * erasure, and its proof still verifies in the browser.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import { startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';

const CHROMIUM = '/usr/bin/chromium';

describe('retention in the web UI (Chromium)', () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startTestServer();
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  after(async () => {
    await browser.close();
    await server.close();
  });

  const post = async (path: string, key: string, body: unknown): Promise<unknown> => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return JSON.parse(text) as unknown;
  };

  test('a purged decision: "Purged decision", the purge notice, no erasure notice, proof intact', async () => {
    const old = sampleDecision({
      id: createUuidV7(),
      ts: new Date(Date.now() - 400 * 86_400_000).toISOString(),
      subject: { id: 'retention-ui-1', type: 'person' },
    });
    await post('/v1/decisions', server.keys.default.ingest, { decisions: [old] });
    await post('/v1/retention', server.keys.default.admin, {
      max: '1y',
      basis: 'GDPR Art. 5(1)(e)',
    });
    const purged = (await post('/v1/purge', server.keys.default.admin, {})) as {
      purgedDecisions: number;
    };
    assert.equal(purged.purgedDecisions, 1);

    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => {
      throw e;
    });
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/ui\/signin/);
    await page.fill('#api-key', server.keys.default.auditor);
    await page.press('#api-key', 'Enter');
    await page.waitForSelector('h1:text-is("Decisions")');
    await page.goto(`${server.url}/ui/decisions/${old.id}`);
    await page.waitForSelector('h1:text-is("Purged decision")');
    const text = (await page.textContent('#purge')) ?? '';
    assert.match(text, /retention/i);
    assert.match(text, /purge receipt/);
    assert.equal(await page.locator('#erasure').count(), 0, 'a purge is not an erasure');
    await page.waitForSelector(
      '#verification[data-state="purged"], #verification[data-state="intact"]',
    );
    const verdict = (await page.textContent('#verification')) ?? '';
    assert.match(verdict, /Intact/);
    assert.match(verdict, /retention purge/);
    await page.context().close();
  });
});
