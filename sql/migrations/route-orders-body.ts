/**
 * The `route_orders` function as of migration 0006 (see 0002 for its first version and why it
 * exists). Kept apart so the migration stays readable.
 */
export const ROUTE_ORDERS_BODY = `
    create function route_orders(p_orders jsonb, p_merge_window_s integer)
    returns table (r_order_id text, r_outcome text, r_detail text)
    language plpgsql as $fn$
    declare
      o jsonb;
      v_id text;
      v_wh text;
      v_short text[];
      v_ship text;
    begin
      -- Lock every stock row the batch touches in one global order, so batches cannot deadlock.
      perform 1 from inventory i
        where (i.sku, i.warehouse) in (
          select x->>'sku', b->>'warehouse'
          from jsonb_array_elements(p_orders) b, jsonb_array_elements(b->'lines') x)
        order by i.sku, i.warehouse
        for update;

      for o in select value from jsonb_array_elements(p_orders) loop
        v_id := o->>'orderId';
        v_wh := o->>'warehouse';
        perform 1 from orders where id = v_id and status = 'priced' for update;
        if not found then
          r_order_id := v_id; r_outcome := 'skipped'; r_detail := null;
          return next;
          continue;
        end if;

        select coalesce(array_agg(format('%s needs %s, %s available in %s', n.sku, n.qty, coalesce(i.on_hand - i.reserved, 0), v_wh) order by n.sku), '{}')
          into v_short
          from (select x->>'sku' as sku, sum((x->>'qty')::int) as qty
                from jsonb_array_elements(o->'lines') x group by 1) n
          left join inventory i on i.sku = n.sku and i.warehouse = v_wh
          where coalesce(i.on_hand - i.reserved, 0) < n.qty;

        if cardinality(v_short) > 0 then
          update orders set status = 'exception', exception_type = 'backorder',
                 exception_detail = 'backorder: ' || array_to_string(v_short, '; '), modified_at = now()
           where id = v_id;
          insert into order_events (order_id, key, type, detail)
            values (v_id, 'exception', 'exception',
                    jsonb_build_object('type', 'backorder', 'detail', 'backorder: ' || array_to_string(v_short, '; ')))
            on conflict (order_id, key) do nothing;
          r_order_id := v_id; r_outcome := 'backorder'; r_detail := 'backorder: ' || array_to_string(v_short, '; ');
          return next;
          continue;
        end if;

        -- The check above ran under the row locks, so this cannot take available stock below 0;
        -- the table's check constraint would refuse it anyway.
        update inventory i
           set reserved = i.reserved + n.qty, updated_at = now()
          from (select x->>'sku' as sku, sum((x->>'qty')::int) as qty
                from jsonb_array_elements(o->'lines') x group by 1) n
         where i.sku = n.sku and i.warehouse = v_wh;
        insert into reservations (order_id, line_id, sku, warehouse, qty)
          select v_id, x->>'lineId', x->>'sku', v_wh, (x->>'qty')::int
          from jsonb_array_elements(o->'lines') x;
        -- Merge: an open shipment (no waybill yet) of the same merge key and warehouse, created
        -- within the window, takes this order too. No key (merge off, cash on delivery): never.
        v_ship := null;
        if o->>'mergeKey' is not null and p_merge_window_s > 0 then
          select s.id into v_ship from shipments s
           where s.merge_key = o->>'mergeKey' and s.warehouse = v_wh and s.waybill_no is null
             and s.created_at > now() - make_interval(secs => p_merge_window_s)
           order by s.created_at
           limit 1
           for update;
        end if;
        if v_ship is null then
          v_ship := v_id || '#1';
          insert into shipments (id, order_id, warehouse, merge_key) values (v_ship, v_id, v_wh, o->>'mergeKey');
        end if;
        insert into shipment_orders (shipment_id, order_id) values (v_ship, v_id);
        update orders set status = 'routed', warehouse = v_wh, modified_at = now() where id = v_id;
        insert into order_events (order_id, key, type, detail)
          values (v_id, 'routed', 'routed', jsonb_build_object('warehouse', v_wh, 'shipment', v_ship))
          on conflict (order_id, key) do nothing;
        r_order_id := v_id; r_outcome := 'routed'; r_detail := v_wh;
        return next;
      end loop;
    end
    $fn$`;
