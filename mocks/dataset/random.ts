import { Faker, base, generateMersenne53Randomizer, zh_CN } from '@faker-js/faker';

/**
 * The generator's one source of randomness: a seeded faker (zh_CN) and helpers over the same
 * Mersenne Twister stream, so every draw — numbers and names alike — follows from the seed.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  float(min: number, max: number): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** Standard normal draw (Box–Muller). */
  normal(): number;
  pick<T>(items: readonly T[]): T;
  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** Rounds `x` up or down at random so that the expected value is `x`. */
  roundStochastic(x: number): number;
  /** The seeded faker, for person names. */
  faker: Faker;
}

/** Creates the seeded random source of one dataset. */
export function createRandom(seed: number): Random {
  const randomizer = generateMersenne53Randomizer();
  randomizer.seed(seed);
  const faker = new Faker({ locale: [zh_CN, base], randomizer });
  const next = (): number => randomizer.next();
  const random: Random = {
    next,
    float: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (p) => next() < p,
    normal: () => {
      const u = 1 - next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    weighted: <K extends string>(weights: Readonly<Record<K, number>>): K => {
      const entries = Object.entries(weights) as [K, number][];
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [key, w] of entries) {
        r -= w;
        if (r < 0) return key;
      }
      return entries[entries.length - 1]![0];
    },
    roundStochastic: (x) => {
      const floor = Math.floor(x);
      return floor + (next() < x - floor ? 1 : 0);
    },
    faker,
  };
  return random;
}
