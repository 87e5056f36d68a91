#!/usr/bin/env node
// ordersurge is TypeScript run through tsx, so a checkout works without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
