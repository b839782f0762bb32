/**
 * The web UI in a real browser: Debian's Chromium (/usr/bin/chromium, installed by .ci/run) driven
 * by playwright-core, against a real in-process server seeded through the SDK. Sign in, search,
 * open a decision and see its proof verified in the browser; export a bundle and check it with
 * @docket/core; the ledger's consistency; the access log; a reader key sees no subject content;
 * 390 px; keyboard only; an erased subject's decision (content gone, proof still verifying,
 * proof-only export); and a record tampered with in the SQLite file is reported as such.
 * Screenshots of the main pages go to test-output/screenshots/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { checkBundle } from '@docket/core';
import { startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';
import { repoRoot } from '../support/vectors.js';
import { seedDecisions } from './seed.js';
import type { Seeded } from './seed.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(repoRoot, 'test-output', 'screenshots');

describe('web UI in Chromium', () => {
  let server: TestServer;
  let seeded: Seeded;
  let browser: Browser;
  /** Every URL any page requested: none may leave the server. */
  const requested: string[] = [];

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    server = await startTestServer();
    seeded = await seedDecisions(server.url, server.keys.default.ingest);
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });

  after(async () => {
    await browser.close();
    await server.close();
  });

  async function open(width = 1280, height = 900): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width, height },
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => {
      throw e;
    });
    return page;
  }

  async function signIn(page: Page, key: string, purpose = ''): Promise<void> {
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/ui\/signin/);
    await page.fill('#api-key', key);
    if (purpose !== '') await page.fill('#purpose', purpose);
    await page.press('#api-key', 'Enter');
    await page.waitForSelector('h1:text-is("Decisions")');
  }

  /** A full-page screenshot; on a phone-sized page also what the first screen shows. */
  const shot = async (page: Page, name: string): Promise<void> => {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    if ((page.viewportSize()?.width ?? 0) < 600) {
      await page.screenshot({ path: join(SHOTS, `${name}-first-screen.png`) });
    }
  };

  const noHorizontalScroll = (page: Page): Promise<boolean> =>
    page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

  test('an auditor signs in, searches, opens a decision and sees its proof verified', async () => {
    const page = await open();
    await signIn(page, server.keys.default.auditor, 'Q4 model risk review');
    await page.waitForSelector('table.decisions tbody tr');
    assert.equal(await page.locator('table.decisions tbody tr').count(), seeded.ids.length);
    assert.match((await page.textContent('.results-head')) ?? '', /29 shown/);
    await shot(page, 'decisions-1280');

    // Filters: agent and outcome, submitted with Enter.
    await page.selectOption('#f-agent', 'loan-approver');
    await page.selectOption('#f-action', 'decline');
    await page.click('button:text("Apply filters")');
    await page.waitForURL(/agent=loan-approver/);
    await page.waitForSelector('table.decisions tbody tr');
    const outcomes = await page
      .locator('table.decisions tbody td[data-label="Outcome"]')
      .allTextContents();
    assert.ok(outcomes.length > 0 && outcomes.length < 14);
    assert.ok(
      // The recorded outcome first (its class symbol, then its word), the final one after it.
      outcomes.every((o) => o.startsWith('✕ decline')),
      outcomes.join(),
    );
    // Text search, then open the decision by its link.
    await page.click('a:text("Clear filters")');
    await page.fill('#f-q', '8803');
    await page.press('#f-q', 'Enter');
    await page.waitForURL(/q=8803/);
    await page.click(`a:text-is("${seeded.loan.goal}")`);
    await page.waitForSelector(`h1:text-is("${seeded.loan.goal}")`);

    const panel = page.locator('#verification[data-state="intact"]');
    await panel.waitFor();
    assert.match((await panel.textContent()) ?? '', /Intact\. Verified in this browser/);
    assert.deepEqual(
      await Promise.all(
        (await page.locator('#verification li.check').all()).map(
          async (e) => `${await e.getAttribute('data-check')}:${await e.getAttribute('class')}`,
        ),
      ),
      [
        'signature:check pass',
        'inclusion:check pass',
        'leaf:check pass',
        'commitments:check pass',
        'content:check pass',
      ],
    );
    assert.match((await panel.textContent()) ?? '', /WebCrypto/);
    // The context tree marks what the SDK redacted; the e-mail never reached the server.
    assert.ok((await page.locator('#sec-context ~ ul.tree mark.redacted').count()) >= 1);
    assert.equal(await page.locator('text=applicant3@example.com').count(), 0);
    // Alternatives beside the outcome, reasoning, calls, versions, run, events.
    assert.equal(await page.locator('table.alternatives tr.chosen').count(), 1);
    assert.equal(await page.locator('ol.steps > li').count(), 3);
    assert.match(
      (await page.textContent('[aria-labelledby="sec-calls"]')) ?? '',
      /credit_bureau\.get_report/,
    );
    assert.match(
      (await page.textContent('[aria-labelledby="sec-versions"]')) ?? '',
      /consumer-lending 2026\.3/,
    );
    assert.match((await page.textContent('[aria-labelledby="sec-run"]')) ?? '', /wf-loan-8803/);
    const events = (await page.textContent('[aria-labelledby="sec-events"]')) ?? '';
    assert.match(events, /Human override/);
    assert.match(events, /underwriter\.j\.osei/);
    assert.match(events, /loan\.disbursed/);
    await shot(page, 'decision-1280');

    // Export: the downloaded bundle verifies offline with the log's key.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    assert.equal(download.suggestedFilename(), `docket-bundle-${seeded.loan.id}.json`);
    const bundle = JSON.parse(readFileSync(await download.path(), 'utf8')) as { format: string };
    assert.equal(bundle.format, 'docket.bundle/v1');
    const log = (await (
      await fetch(`${server.url}/v1/log`, {
        headers: { authorization: `Bearer ${server.keys.default.reader}` },
      })
    ).json()) as { vkey: string };
    const checked = checkBundle(bundle, log.vkey);
    assert.equal(checked.ok, true, JSON.stringify(checked));
    assert.ok(checked.verifiedFields.includes('outcome'));

    // The log grows; the ledger proves the new checkpoint extends the one this browser verified.
    const grow = await fetch(`${server.url}/v1/decisions/${seeded.ids[0]!}/events`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.keys.default.ingest}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ kind: 'effect', effect: { system: 'crm', action: 'letter.sent' } }),
    });
    assert.equal(grow.status, 201);
    await page.click('nav a:text-is("Ledger")');
    await page.waitForSelector('h1:text-is("Ledger")');
    await page.waitForSelector('#history-heading');
    assert.equal(await page.locator('.verdict.ok:has-text("Signed")').count(), 2);
    assert.match(
      (await page.textContent('[aria-labelledby="history-heading"]')) ?? '',
      /✓ consistent \(\d+ proof hashes\)/,
    );
    await shot(page, 'ledger-1280');

    // The access log: this key's reads, with the purpose given at sign-in.
    await page.click('nav a:text-is("Access log")');
    await page.waitForSelector('table.access tbody tr');
    const reads = page.locator(`table.access tbody tr:has(a:text-is("${seeded.loan.id}"))`);
    assert.ok((await reads.count()) >= 2);
    assert.match((await reads.first().textContent()) ?? '', /Q4 model risk review/);
    assert.match((await reads.first().textContent()) ?? '', /\(you\)/);
    await shot(page, 'access-log-1280');
    await page.context().close();
  });

  test('a reader key sees that decisions exist, verifies proofs, and sees no subject content', async () => {
    const page = await open();
    await signIn(page, server.keys.default.reader);
    await page.waitForSelector('table.decisions tbody tr');
    const text = (await page.textContent('main')) ?? '';
    assert.doesNotMatch(text, new RegExp(seeded.loan.goal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.doesNotMatch(text, new RegExp(seeded.loan.applicant));
    assert.match(text, /Content withheld/);
    assert.match(text, /An auditor key shows it/);
    assert.equal(await page.locator('nav a:text-is("Access log")').count(), 0);
    // Searching content is reading it: a reader is offered no text or subject filter.
    assert.equal(await page.locator('#f-q, #f-subject').count(), 0);
    assert.equal(await page.locator('#f-agent').count(), 1);
    await shot(page, 'decisions-reader-1280');

    await page.goto(`${server.url}/ui/decisions/${seeded.loan.id}`);
    await page.waitForSelector('h1:text-is("Decision (content withheld)")');
    await page.locator('#verification[data-state="partial"]').waitFor();
    const body = (await page.textContent('main')) ?? '';
    assert.doesNotMatch(body, new RegExp(seeded.loan.applicant));
    assert.doesNotMatch(body, /underwriter\.j\.osei/);
    assert.match(body, /Intact\. The signed log includes this entry/);
    assert.match((await page.textContent('li[data-check="leaf"]')) ?? '', /need an auditor key/);
    // Every check, skipped ones included, is drawn inside the panel.
    const panelBox = await page.locator('#verification').boundingBox();
    for (const check of await page.locator('#verification li.check').all()) {
      const box = await check.boundingBox();
      assert.ok(
        panelBox !== null &&
          box !== null &&
          box.y > panelBox.y &&
          box.y + box.height < panelBox.y + panelBox.height,
      );
    }
    assert.equal(await page.locator('#verification li.check').count(), 5);
    assert.match(body, /Exporting a bundle needs an auditor or admin key/);
    await shot(page, 'decision-reader-1280');

    // A decision without a subject is readable by a reader.
    await page.goto(`${server.url}/ui/decisions/${seeded.open.id}`);
    await page.waitForSelector(`h1:text-is("${seeded.open.goal}")`);
    // The access log is auditor-only: the page says which role is needed.
    await page.goto(`${server.url}/ui/access`);
    await page.waitForSelector('text=Your key may not see this');
    assert.match(
      (await page.textContent('main')) ?? '',
      /reader key\. This needs an auditor or admin key/,
    );

    // An ingest key cannot read at all, and is told so.
    await page.click('button:text-is("Sign out")');
    await page.waitForSelector('#api-key');
    await page.fill('#api-key', server.keys.default.ingest);
    await page.press('#api-key', 'Enter');
    await page.waitForSelector('text=This is an ingest key');
    // A key the server does not know.
    await page.fill('#api-key', `dk_${'a'.repeat(16)}_${'b'.repeat(43)}`);
    await page.press('#api-key', 'Enter');
    await page.waitForSelector('text=The server does not know this key');
    await page.context().close();
  });

  test('at 390 px every page fits the screen', async () => {
    const page = await open(390, 844);
    await signIn(page, server.keys.default.auditor);
    await page.waitForSelector('table.decisions tbody tr');
    assert.equal(await noHorizontalScroll(page), true);
    await shot(page, 'decisions-390');
    await page.goto(`${server.url}/ui/decisions/${seeded.loan.id}`);
    await page.locator('#verification[data-state="intact"]').waitFor();
    assert.equal(await noHorizontalScroll(page), true);
    // The verdict comes first on a phone.
    const [panelBox, outcomeBox] = await Promise.all([
      page.locator('#verification').boundingBox(),
      page.locator('#sec-outcome').boundingBox(),
    ]);
    assert.ok(panelBox !== null && outcomeBox !== null && panelBox.y < outcomeBox.y);
    await shot(page, 'decision-390');
    for (const path of ['/ui/ledger', '/ui/access']) {
      await page.goto(`${server.url}${path}`);
      await page.waitForSelector('main table, main .notice');
      assert.equal(await noHorizontalScroll(page), true, path);
    }
    await shot(page, 'access-log-390');
    await page.context().close();
  });

  test('a browser without WebCrypto Ed25519 verifies with the bundled @noble/ed25519', async () => {
    const page = await open();
    // Make this page's WebCrypto refuse Ed25519, as older browsers do.
    await page.addInitScript(`{
      const importKey = crypto.subtle.importKey.bind(crypto.subtle);
      crypto.subtle.importKey = (format, key, algorithm, ...rest) =>
        (algorithm === 'Ed25519' || algorithm?.name === 'Ed25519')
          ? Promise.reject(new DOMException('Ed25519 is not supported', 'NotSupportedError'))
          : importKey(format, key, algorithm, ...rest);
    }`);
    const vendor: string[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith('/ui/vendor/noble-ed25519.js'))
        vendor.push(`${r.status()} ${r.headers()['content-type'] ?? ''}`);
    });
    await signIn(page, server.keys.default.auditor);
    await page.goto(`${server.url}/ui/decisions/${seeded.open.id}`);
    const panel = page.locator('#verification[data-state="intact"]');
    await panel.waitFor();
    assert.match((await panel.textContent()) ?? '', /the bundled verifier \(@noble\/ed25519\)/);
    assert.deepEqual(vendor, ['200 text/javascript; charset=utf-8']);
    await page.context().close();
  });

  test('keyboard only: skip link, sign in with Enter, reach and open a decision', async () => {
    const page = await open();
    await page.goto(`${server.url}/ui/signin`);
    await page.waitForSelector('#api-key');
    await page.keyboard.press('Tab');
    assert.equal(
      await page.evaluate<string>('document.activeElement?.textContent'),
      'Skip to content',
    );
    for (
      let i = 0;
      i < 5 && (await page.evaluate<string>('document.activeElement?.id')) !== 'api-key';
      i++
    ) {
      await page.keyboard.press('Tab');
    }
    assert.equal(await page.evaluate<string>('document.activeElement?.id'), 'api-key');
    await page.keyboard.type(server.keys.default.auditor);
    await page.keyboard.press('Enter');
    await page.waitForSelector('table.decisions tbody tr');
    // The new page's heading has the focus.
    assert.equal(await page.evaluate<string>('document.activeElement?.tagName'), 'H1');
    let onDecision = false;
    for (let i = 0; i < 40 && !onDecision; i++) {
      await page.keyboard.press('Tab');
      onDecision = await page.evaluate<boolean>(
        "document.activeElement?.tagName === 'A' && document.activeElement.closest('table.decisions') !== null",
      );
    }
    assert.ok(onDecision, 'a decision link is reachable with Tab');
    // Focus is visible.
    assert.equal(
      await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle'),
      'solid',
    );
    await page.keyboard.press('Enter');
    await page.waitForSelector('#verification[data-state="intact"]');
    assert.equal(await page.evaluate<string>('document.activeElement?.tagName'), 'H1');
    await page.context().close();
  });

  test('an erased subject: the page says what is gone and why, and the proof still verifies', async () => {
    // A decision about applicant-1005 gets an override, then the subject is erased (GDPR Art. 17).
    const target = seeded.ids[5]!;
    const headers = (key: string) => ({
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
    });
    const event = await fetch(`${server.url}/v1/decisions/${target}/events`, {
      method: 'POST',
      headers: headers(server.keys.default.ingest),
      body: JSON.stringify({
        kind: 'override',
        actor: 'underwriter.a.berg',
        reason: 'Applicant asked for a smaller amount.',
      }),
    });
    assert.equal(event.status, 201, await event.text());
    const erase = await fetch(`${server.url}/v1/subjects/applicant-1005/erase`, {
      method: 'POST',
      headers: headers(server.keys.default.admin),
      body: JSON.stringify({ reason: 'Data subject request DSR-2026-0042' }),
    });
    const erasedText = await erase.text();
    assert.equal(erase.status, 200, erasedText);
    const erased = JSON.parse(erasedText) as { decisions: number; tombstone: { index: number } };
    assert.equal(erased.decisions, 1);
    // The API keeps the decision, its time and proof; the content is gone.
    const api = (await (
      await fetch(`${server.url}/v1/decisions/${target}`, {
        headers: headers(server.keys.default.auditor),
      })
    ).json()) as { erased: boolean; content: unknown; events: { erased: boolean }[] };
    assert.equal(api.erased, true);
    assert.equal(api.content, null);
    assert.deepEqual(
      api.events.map((e) => e.erased),
      [true],
    );

    const page = await open();
    await signIn(page, server.keys.default.auditor, 'DSR-2026-0042 follow-up');
    // The list keeps the decision, marked as erased, without pretending to know its content.
    await page.waitForSelector('table.decisions tbody tr');
    assert.equal(await page.locator('table.decisions tbody tr').count(), seeded.ids.length);
    const row = page.locator(`table.decisions tbody tr:has(a[href="/ui/decisions/${target}"])`);
    assert.equal(await row.count(), 1);
    const rowText = (await row.textContent()) ?? '';
    assert.match(rowText, /Erased decision/);
    assert.match(rowText, /subject erased/);
    assert.doesNotMatch(rowText, /applicant-1005/);
    await shot(page, 'decisions-erased-1280');
    await row.locator('a').first().click();
    await page.waitForSelector('h1:text-is("Erased decision")');

    // The page says what is gone and why.
    const gone = page.locator('#erasure');
    await gone.waitFor();
    const goneText = (await gone.textContent()) ?? '';
    assert.match(goneText, /subject of this decision was erased/i);
    assert.match(goneText, /data key was destroyed/);
    assert.match(goneText, /GDPR Art\. 17/);
    // Which fields are gone: the names the leaf commits to (from the evidence bundle).
    // The tombstone is linked: when, which entry, and the reason given (auditor key).
    const tombstone = (await page.textContent('#erasure [data-erasure]')) ?? '';
    assert.match(tombstone, /tombstone, entry #\d+/);
    assert.match(tombstone, /Data subject request DSR-2026-0042/);
    await page.waitForSelector('#erasure [data-fields="loaded"]');
    const fields = (await page.textContent('#erasure [data-fields]')) ?? '';
    for (const f of ['goal', 'context', 'outcome', 'reasoning'])
      assert.match(fields, new RegExp(f));
    // What remains: the time, the pseudonym, the leaf, the proof.
    assert.match(goneText, /pseudonym/);
    // The override recorded before the erasure is still listed, its details erased too.
    const events = (await page.textContent('[aria-labelledby="sec-events"]')) ?? '';
    assert.match(events, /Details erased with the subject/);
    assert.doesNotMatch(events, /underwriter\.a\.berg/);

    // The panel: signature, inclusion and leaf verify; the content checks are not possible.
    const panel = page.locator('#verification[data-state="erased"]');
    await panel.waitFor();
    const verdict = (await panel.locator('.verdict').textContent()) ?? '';
    assert.match(verdict, /^Intact\./);
    assert.match(verdict, /erased/);
    assert.match(verdict, /not a sign of tampering/);
    assert.doesNotMatch(verdict, /Not intact/);
    assert.deepEqual(
      await Promise.all(
        (await page.locator('#verification li.check').all()).map(
          async (e) => `${await e.getAttribute('data-check')}:${await e.getAttribute('class')}`,
        ),
      ),
      [
        'signature:check pass',
        'inclusion:check pass',
        'leaf:check pass',
        'commitments:check skip',
        'content:check skip',
      ],
    );
    assert.match(
      (await page.textContent('li[data-check="commitments"]')) ?? '',
      /subject was erased/,
    );
    assert.equal(await page.locator('#verification .verdict.fail').count(), 0);
    await shot(page, 'decision-erased-1280');

    // Export: a proof-only bundle (leaf, proof, checkpoint) that still verifies offline.
    const exportText = (await page.textContent('[aria-labelledby="export-heading"]')) ?? '';
    assert.match(exportText, /proof only/i);
    assert.equal(await page.locator('#disclose').count(), 0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
    assert.equal(download.suggestedFilename(), `docket-bundle-${target}.json`);
    const bundle = JSON.parse(readFileSync(await download.path(), 'utf8')) as {
      erased: boolean;
      disclosed: Record<string, unknown>;
    };
    assert.equal(bundle.erased, true);
    assert.deepEqual(bundle.disclosed, {});
    const log = (await (
      await fetch(`${server.url}/v1/log`, { headers: headers(server.keys.default.reader) })
    ).json()) as { vkey: string };
    const checked = checkBundle(bundle, log.vkey);
    assert.equal(checked.ok, true, JSON.stringify(checked));
    assert.deepEqual(checked.verifiedFields, []);
    assert.match(
      (await page.textContent('[aria-labelledby="export-heading"]')) ?? '',
      /Downloaded/,
    );
    await page.context().close();

    // On a phone the page fits; the verdict, first as on every decision, already says erased.
    const phone = await open(390, 844);
    await signIn(phone, server.keys.default.auditor);
    await phone.goto(`${server.url}/ui/decisions/${target}`);
    await phone.locator('#verification[data-state="erased"]').waitFor();
    assert.equal(await noHorizontalScroll(phone), true);
    await shot(phone, 'decision-erased-390');
    await phone.context().close();
  });

  test('a record changed in the SQLite file fails verification, and the panel says how', async () => {
    const view = (await (
      await fetch(`${server.url}/v1/decisions/${seeded.loan.id}`, {
        headers: { authorization: `Bearer ${server.keys.default.reader}` },
      })
    ).json()) as { index: number };
    const db = new Database(join(server.dataDir, 'ledger.db'));
    try {
      const row = db.prepare('SELECT leaf FROM entries WHERE idx = ?').get(view.index) as {
        leaf: Buffer;
      };
      const text = row.leaf.toString('utf8');
      const changed = text.replace(
        /"outcome":"(.)/,
        (_m, c: string) => `"outcome":"${c === 'A' ? 'B' : 'A'}`,
      );
      assert.notEqual(changed, text);
      db.prepare('UPDATE entries SET leaf = ? WHERE idx = ?').run(
        Buffer.from(changed, 'utf8'),
        view.index,
      );
    } finally {
      db.close();
    }
    const page = await open();
    await signIn(page, server.keys.default.auditor);
    await page.goto(`${server.url}/ui/decisions/${seeded.loan.id}`);
    const panel = page.locator('#verification[data-state="failed"]');
    await panel.waitFor();
    assert.match((await panel.textContent()) ?? '', /Not intact\./);
    assert.match(
      (await page.textContent('li[data-check="inclusion"]')) ?? '',
      /PROOF_ROOT_MISMATCH/,
    );
    assert.match(
      (await page.textContent('li[data-check="commitments"]')) ?? '',
      /outcome does not match its commitment/,
    );
    await shot(page, 'decision-tampered-1280');
    await page.context().close();
  });

  test('no page asked for anything outside the server', () => {
    assert.ok(requested.length > 20);
    const outside = requested.filter(
      (u) => !u.startsWith(server.url) && !u.startsWith('blob:') && !u.startsWith('data:'),
    );
    assert.deepEqual(outside, []);
  });
});
