// Refuses any request whose path, query or JSON body holds a control character other than a line
// break or tab, before a route reads it (boundary/inputRules.ts). Field schemas are stricter still
// (one-line fields refuse line breaks too); this guard makes sure that no route, old or new, ever
// hands a NUL to PostgreSQL, which cannot store it and would answer with a 500.
import type { RequestHandler } from 'express';
import { CONTROL_MESSAGE, controlCharacterIn, fieldPath, findControlCharacter } from '../../boundary/inputRules';
import { BadRequestError } from '../errors';

function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // a malformed escape is the router's to refuse (404), not a control character
  }
}

export function refuseControlCharacters(): RequestHandler {
  return (req, _res, next) => {
    const inPath = controlCharacterIn(decodedPath(req.path));
    if (inPath) throw new BadRequestError(`path: ${CONTROL_MESSAGE} (${inPath})`, 'path');
    const inQuery = findControlCharacter(req.query);
    if (inQuery) {
      const field = fieldPath(inQuery.path) || 'query';
      throw new BadRequestError(`${field}: ${CONTROL_MESSAGE} (${inQuery.found})`, field);
    }
    const inBody = findControlCharacter(req.body);
    if (inBody) {
      const field = fieldPath(inBody.path) || 'body';
      throw new BadRequestError(`${field}: ${CONTROL_MESSAGE} (${inBody.found})`, field);
    }
    next();
  };
}
