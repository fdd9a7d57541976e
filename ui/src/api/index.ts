// The UI's only door to the Kinga API. Views and stores import from here, never call fetch.
export { configureApiClient, type ApiClientHooks } from './client';
export { ApiError, NetworkError, describeError, type ApiErrorBody, type ApiErrorCode } from './errors';
export { login } from './auth';
export { listCases } from './cases';
export { getHealth, temporalWebUrl, HEALTH_PATH } from './system';
export * from './types';
