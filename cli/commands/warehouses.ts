import { Command } from 'commander';
import { listWarehouses, setWarehouse, type Warehouse } from '../../sql/queries/warehouses.ts';
import { lookupProvince } from '../../workers/ingest/adapters/province.ts';
import { loadConfig } from '../config.ts';
import { action, InputError, intOption } from '../run-action.ts';
import { connectRunning } from '../servers.ts';

interface SetOptions {
  name?: string;
  province?: string;
  carriers?: string;
  capacity?: number;
  active?: boolean;
}

export function warehousesCommand(): Command {
  const warehouses = new Command('warehouses').description('the warehouses routing ships from: province, carriers, daily capacity');
  warehouses
    .command('set')
    .description('add a warehouse or change one (options not given keep their value)')
    .argument('<code>', 'warehouse code: lower-case letters, digits, - or _ (as the routing rules name it)')
    .option('--name <name>', 'display name, e.g. 成都仓')
    .option('--province <province>', 'its province: any name (四川, 四川省, Sichuan) or GB/T 2260 code')
    .option('--carriers <list>', 'carrier codes it ships with, comma-separated, e.g. sf,ems')
    .option('--capacity <n>', 'parcels it can ship a day', intOption('--capacity'))
    .option('--inactive', 'take it out of service (routing skips it)')
    .option('--active', 'put it back in service')
    .action(
      action(async (code: string, opts: SetOptions & { inactive?: boolean }) => {
        if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(code)) throw new InputError(`code: must be lower-case letters, digits, - or _, got ${JSON.stringify(code)}`);
        const provinceCode = opts.province === undefined ? undefined : (/^\d{6}$/.test(opts.province) ? opts.province : lookupProvince(opts.province)?.code);
        if (opts.province !== undefined && provinceCode === undefined) throw new InputError(`--province: unknown province ${JSON.stringify(opts.province)}`);
        const carriers = opts.carriers?.split(',').map((c) => c.trim()).filter((c) => c !== '');
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const known = (await listWarehouses(conn.db!)).find((w) => w.code === code);
          if (!known && (opts.name === undefined || provinceCode === undefined)) throw new InputError(`${code}: a new warehouse needs --name and --province`);
          const next: Warehouse = {
            code,
            name: opts.name ?? known!.name,
            provinceCode: provinceCode ?? known!.provinceCode,
            carriers: carriers ?? known?.carriers ?? [],
            dailyCapacity: opts.capacity ?? known?.dailyCapacity ?? 0,
            active: opts.inactive ? false : opts.active ? true : (known?.active ?? true),
          };
          await setWarehouse(conn.db!, next);
          console.log(line(next));
        } finally {
          await conn.close();
        }
      }),
    );
  warehouses
    .command('show')
    .description('every warehouse')
    .option('--json', 'print JSON: [{ code, name, provinceCode, carriers, dailyCapacity, active }]')
    .action(
      action(async (opts: { json?: boolean }) => {
        const conn = await connectRunning(loadConfig(), { db: true });
        try {
          const all = await listWarehouses(conn.db!);
          console.log(opts.json ? JSON.stringify(all, null, 2) : all.map(line).join('\n') || 'no warehouses');
        } finally {
          await conn.close();
        }
      }),
    );
  return warehouses;
}

function line(w: Warehouse): string {
  return `${w.code.padEnd(10)} ${w.name}  province ${w.provinceCode}  carriers ${w.carriers.join(',') || '-'}  capacity ${w.dailyCapacity || '-'}/day${w.active ? '' : '  (inactive)'}`;
}
