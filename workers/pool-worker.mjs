// Entry of a piscina worker thread. Threads do not inherit the main thread's TypeScript loader,
// so each registers tsx itself before importing the (TypeScript) tasks.
import { register } from 'tsx/esm/api';

register();
const { tasks } = await import('./pool-tasks.ts');

export default function run({ task, input }) {
  return tasks[task](input);
}
