// `npm run api:types`: regenerates ui/src/api/generated.ts from the API's OpenAPI document.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GENERATED_TYPES_PATH, renderApiTypes } from './lib/apiTypes';

const target = fileURLToPath(new URL(`../${GENERATED_TYPES_PATH}`, import.meta.url));
writeFileSync(target, await renderApiTypes());
console.log(`wrote ${GENERATED_TYPES_PATH}`);
