import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Command } from 'commander';
import { invoicePoints, setInvoicePoint } from '../../sql/queries/invoices.ts';
import { removeShopAccount } from '../../sql/queries/shop-accounts.ts';
import { channelSchema, CHANNELS, type Channel } from '../../streams/canonical-order.ts';
import { processPiiKeyring } from '../../streams/pii/keyring.ts';
import { maskedSecret, Secret } from '../../workers/ingest/connectors/secret.ts';
import { loadShopAccount, loadShopAccounts, saveShopAccount, SHOP_CODE, type ShopAccount } from '../../workers/ingest/connectors/shop-accounts.ts';
import { loadConfig } from '../config.ts';
import { action, InputError } from '../run-action.ts';
import { connectRunning } from '../servers.ts';
import { timeText } from '../time-display.ts';

interface AddOptions {
  channel: string;
  name?: string;
  apiUrl: string;
  appKey: string;
  appSecretEnv?: string;
  appSecretFile?: string;
  accessTokenEnv?: string;
  accessTokenFile?: string;
  refreshTokenEnv?: string;
  refreshTokenFile?: string;
  tokenExpiresAt?: string;
}

const HELP_AFTER = `
Secrets are never given on the command line (it lands in shell history and ps): name the
environment variable or the file that holds each one. They are stored sealed with the PII key and
shown masked; an order never carries them, only the account's code (orders.shop).

Examples:
  TMALL_MAIN_SECRET=... ordersurge shops add tmall-main --channel tmall --name "旗舰店" \\
    --api-url https://gw.api.taobao.com --app-key 12345678 --app-secret-env TMALL_MAIN_SECRET \\
    --access-token-file /run/secrets/tmall-main.session --refresh-token-file /run/secrets/tmall-main.refresh
  ordersurge shops list
  ordersurge shops show tmall-main`;

/** `ordersurge shops add|list|show|remove`: the seller accounts connectors poll, as data. */
export function shopsCommand(): Command {
  const shops = new Command('shops').description('shop accounts: each seller account on a platform, its API address, app key and sealed credentials');
  shops
    .command('add')
    .description('register a shop account, or replace the one with that code')
    .argument('<code>', 'account code orders and cursors carry: letters, digits, _ . - (at most 64)')
    .requiredOption('--channel <channel>', `its platform: ${CHANNELS.join(', ')}`)
    .option('--name <name>', 'display name (default: the code)')
    .requiredOption('--api-url <url>', "the platform API's base URL for this account")
    .requiredOption('--app-key <key>', 'the app key (client id) requests are signed under')
    .option('--app-secret-env <VAR>', 'environment variable holding the app secret')
    .option('--app-secret-file <path>', 'file holding the app secret')
    .option('--access-token-env <VAR>', 'environment variable holding the access token (session)')
    .option('--access-token-file <path>', 'file holding the access token')
    .option('--refresh-token-env <VAR>', 'environment variable holding the refresh token')
    .option('--refresh-token-file <path>', 'file holding the refresh token')
    .option('--token-expires-at <time>', 'when the access token expires, ISO-8601 with an offset')
    .addHelpText('after', HELP_AFTER)
    .action(action(runAdd));
  shops
    .command('list')
    .description('every shop account, credentials left out')
    .option('--json', 'print JSON: [{ code, channel, displayName, apiBaseUrl, appKey, tokenExpiresAt, refreshFailure }]')
    .action(
      action(async (opts: { json?: boolean }) => {
        const accounts = await withDb((db) => loadShopAccounts(db, processPiiKeyring()));
        if (opts.json) console.log(JSON.stringify(accounts.map(publicView), null, 2));
        else console.log(accounts.length ? accounts.map(listLine).join('\n') : 'no shop accounts (add one with `ordersurge shops add`)');
      }),
    );
  shops
    .command('show')
    .description('one shop account, its secret and tokens masked')
    .argument('<code>', 'account code')
    .action(
      action(async (code: string) => {
        const account = await withDb((db) => loadShopAccount(db, code, processPiiKeyring()));
        if (!account) throw new InputError(`${code}: no such shop account (see \`ordersurge shops list\`)`);
        console.log(showText(account));
      }),
    );
  shops
    .command('remove')
    .description('remove a shop account (its orders and its connector cursor stay)')
    .argument('<code>', 'account code')
    .action(
      action(async (code: string) => {
        const removed = await withDb((db) => removeShopAccount(db, code));
        if (!removed) throw new InputError(`${code}: no such shop account`);
        console.log(`removed ${code}`);
      }),
    );
  shops
    .command('invoicing')
    .description('when a shop\'s orders get their electronic invoice (电子发票): once paid, once shipped, or off; with no arguments, the shops that set one')
    .argument('[code]', "shop code, as orders carry it (a channel's default shop is named after the channel; no account needed)")
    .argument('[point]', 'paid (the default for every shop), shipped (once the WMS confirms the parcel left), or off')
    .option('--by <name>', 'who makes the change (kept with it)', os.userInfo().username)
    .action(action(runInvoicing));
  return shops;
}

const INVOICE_POINTS = ['paid', 'shipped', 'off'] as const;

/** `shops invoicing [CODE POINT]`: sets a shop's invoice point, or lists those set. */
async function runInvoicing(code: string | undefined, point: string | undefined, opts: { by: string }): Promise<void> {
  if (code === undefined) {
    const points = await withDb((db) => invoicePoints(db));
    console.log(points.length ? points.map((p) => `${p.shop.padEnd(16)} ${p.point.padEnd(8)} by ${p.updated_by}, ${timeText(p.updated_at)}`).join('\n') : 'every shop invoices once paid (set one with `ordersurge shops invoicing CODE paid|shipped|off`)');
    return;
  }
  if (!SHOP_CODE.test(code)) throw new InputError(`code: must be 1-64 letters, digits, _ . - (starting with a letter or digit), got ${JSON.stringify(code)}`);
  if (point === undefined || !(INVOICE_POINTS as readonly string[]).includes(point)) throw new InputError(`point: one of ${INVOICE_POINTS.join(', ')}, got ${JSON.stringify(point ?? '')}`);
  await withDb((db) => setInvoicePoint(db, code, point as (typeof INVOICE_POINTS)[number], opts.by));
  console.log(`${code}: invoiced ${point === 'off' ? 'never (off)' : `once ${point}`}`);
}

async function runAdd(code: string, opts: AddOptions): Promise<void> {
  if (!SHOP_CODE.test(code)) throw new InputError(`code: must be 1-64 letters, digits, _ . - (starting with a letter or digit), got ${JSON.stringify(code)}`);
  const channel = channelSchema.safeParse(opts.channel);
  if (!channel.success) throw new InputError(`--channel: unknown channel ${JSON.stringify(opts.channel)}; one of ${CHANNELS.join(', ')}`);
  let url: URL;
  try {
    url = new URL(opts.apiUrl);
  } catch {
    throw new InputError(`--api-url: ${JSON.stringify(opts.apiUrl)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`--api-url: must be http or https, got ${url.protocol}`);
  const appSecret = readSecret('app-secret', opts.appSecretEnv, opts.appSecretFile, true);
  const accessToken = readSecret('access-token', opts.accessTokenEnv, opts.accessTokenFile, false);
  const refreshToken = readSecret('refresh-token', opts.refreshTokenEnv, opts.refreshTokenFile, false);
  let expiresAt: Date | undefined;
  if (opts.tokenExpiresAt !== undefined) {
    if (!/(Z|[+-]\d\d:?\d\d)$/.test(opts.tokenExpiresAt) || Number.isNaN(Date.parse(opts.tokenExpiresAt))) {
      throw new InputError(`--token-expires-at: must be ISO-8601 with an offset, e.g. 2026-12-01T00:00:00+08:00, got ${JSON.stringify(opts.tokenExpiresAt)}`);
    }
    expiresAt = new Date(opts.tokenExpiresAt);
  }
  const account = {
    code,
    channel: channel.data,
    displayName: opts.name ?? code,
    apiBaseUrl: url.toString().replace(/\/+$/, ''),
    appKey: opts.appKey,
    appSecret,
    accessToken,
    refreshToken,
    expiresAt,
  };
  await withDb((db) => saveShopAccount(db, account, processPiiKeyring()));
  console.log(`saved ${code} (${channel.data}, ${account.apiBaseUrl}); app secret ${maskedSecret(appSecret)}, access token ${maskedSecret(accessToken)}`);
}

/** A secret from the variable or the file the operator named; the message names the option, never the value. */
function readSecret(option: string, envVar: string | undefined, file: string | undefined, required: boolean): Secret {
  if (envVar !== undefined && file !== undefined) throw new InputError(`--${option}-env and --${option}-file: give one`);
  if (envVar !== undefined) {
    const value = process.env[envVar];
    if (value === undefined || value === '') throw new InputError(`--${option}-env: the environment variable ${envVar} is not set`);
    return new Secret(value.trim());
  }
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new InputError(`--${option}-file: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (text.trim() === '') throw new InputError(`--${option}-file: ${file} is empty`);
    return new Secret(text.trim());
  }
  if (required) throw new InputError(`--${option}-env or --${option}-file: the ${option.replace('-', ' ')} is required`);
  return new Secret('');
}

async function withDb<T>(fn: (db: NonNullable<Awaited<ReturnType<typeof connectRunning>>['db']>) => Promise<T>): Promise<T> {
  const conn = await connectRunning(loadConfig(), { db: true });
  try {
    return await fn(conn.db!);
  } finally {
    await conn.close();
  }
}

function publicView(a: ShopAccount) {
  return {
    code: a.code,
    channel: a.channel as Channel,
    displayName: a.displayName,
    apiBaseUrl: a.apiBaseUrl,
    appKey: a.appKey,
    tokenExpiresAt: a.expiresAt?.toISOString() ?? null,
    refreshFailure: a.refreshFailure ? { at: a.refreshFailure.at.toISOString(), error: a.refreshFailure.error } : null,
  };
}

function listLine(a: ShopAccount): string {
  const token = a.refreshFailure ? 'RE-AUTHORIZE' : a.expiresAt ? `token until ${timeText(a.expiresAt)}` : 'token without expiry';
  return `${a.code.padEnd(16)} ${a.channel.padEnd(6)} ${a.displayName}  ${a.apiBaseUrl}  ${token}`;
}

/** `shops show`: every field, the secret and the tokens masked. */
export function showText(a: ShopAccount): string {
  return [
    `code           ${a.code}`,
    `channel        ${a.channel}`,
    `name           ${a.displayName}`,
    `api url        ${a.apiBaseUrl}`,
    `app key        ${a.appKey}`,
    `app secret     ${maskedSecret(a.appSecret)}`,
    `access token   ${maskedSecret(a.accessToken)}`,
    `refresh token  ${maskedSecret(a.refreshToken)}`,
    `expires        ${a.expiresAt ? timeText(a.expiresAt) : '-'}`,
    `refreshed      ${a.refreshedAt ? timeText(a.refreshedAt) : '-'}`,
    ...(a.refreshFailure ? [`REFRESH FAILED ${timeText(a.refreshFailure.at)}: ${a.refreshFailure.error} (re-authorize the shop, then \`shops add\` its new tokens)`] : []),
  ].join('\n');
}
