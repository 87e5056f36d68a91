import { ConfigError } from '../../../cli/config.ts';
import { CHANNELS, type Channel } from '../../../streams/canonical-order.ts';

/** The signing secret of each channel whose webhooks are accepted; a channel without one is off. */
export type WebhookSecrets = Partial<Record<Channel, string>>;

/** Shorter secrets can be guessed; Shopify's are 64 hex characters. */
const MIN_SECRET_LENGTH = 16;

/** `ORDERSURGE_WEBHOOK_SECRET_SHOP`, `..._TMALL`, ...: the variable holding `channel`'s secret. */
export function webhookSecretVar(channel: Channel): string {
  return `ORDERSURGE_WEBHOOK_SECRET_${channel.toUpperCase()}`;
}

/**
 * Reads every channel's webhook secret from the environment. Unset or empty leaves the channel's
 * webhook off; a secret shorter than 16 characters is refused, naming its variable.
 */
export function webhookSecretsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookSecrets {
  const secrets: WebhookSecrets = {};
  for (const channel of CHANNELS) {
    const name = webhookSecretVar(channel);
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (value.length < MIN_SECRET_LENGTH) throw new ConfigError(`${name}: must be at least ${MIN_SECRET_LENGTH} characters, got ${value.length}`);
    secrets[channel] = value;
  }
  return secrets;
}
