/** Filters of the activity timeline. */
export const ACTIVITY_FILTERS = [
  { value: '', label: 'All' },
  { value: 'comments', label: 'Comments' },
  { value: 'approvals', label: 'Approvals' },
  { value: 'changes', label: 'Changes' },
] as const;
