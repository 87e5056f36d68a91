import fc from 'fast-check';

// Property and fuzz tests run with a fixed seed, so a run is repeatable and CI never fails on a
// draw it had not seen before. FC_SEED=random explores new draws; FC_SEED=N replays a failure.
const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20261125 : Number(seed) });
