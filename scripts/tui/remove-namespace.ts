// Removes the streams and buckets of ORDERSURGE_NAMESPACE: what tmux-check.sh leaves behind.
import { loadConfig } from '../../cli/config.ts';
import { connectBus } from '../../streams/connect.ts';
import { namesFor } from '../../streams/names.ts';
import { deleteTopology } from '../../streams/topology.ts';

const config = loadConfig();
if (config.namespace === 'ordersurge') throw new Error('refusing to remove the default namespace; set ORDERSURGE_NAMESPACE');
const bus = await connectBus(config.natsUrl, 'ordersurge-tmux-check');
await deleteTopology(bus.jsm, namesFor(config.namespace));
await bus.close();
