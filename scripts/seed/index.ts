// The development seeds `npm start` applies, in order. Adding one is a file in this folder and a line here.
import { demoClientSeed } from './demo-client';
import type { Seed } from './types';

export const SEEDS: readonly Seed[] = [demoClientSeed];
