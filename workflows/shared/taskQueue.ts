/** The task queue all Kinga workflows and activities run on, unless TEMPORAL_TASK_QUEUE overrides it. */
export const DEFAULT_TASK_QUEUE = 'kinga-risk';
