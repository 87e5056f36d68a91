// Entry of a piscina worker thread. Threads do not inherit the main thread's TypeScript loader,
// so each registers tsx itself, then imports each stage's task module the first time it is asked.
import { register } from 'tsx/esm/api';

register();
const loaded = new Map();

export default async function run({ module, input }) {
  let task = loaded.get(module);
  if (!task) {
    task = (await import(module)).default;
    loaded.set(module, task);
  }
  return task.run(input);
}
