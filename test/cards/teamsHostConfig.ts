// A Teams-like Adaptive Cards host config for the renderer walk: Teams' own config is not published, so these
// values follow its design guidance (Segoe UI 14 px, 16 px padding, buttons side by side and stretched, at most 5
// actions). Buttons side by side is the hardest case: several in one row share the card's width.
export const CARD_WIDTH_PX = 360;
export const TEAMS_MAX_ACTIONS = 5;

export const TEAMS_LIKE_HOST_CONFIG = {
  supportsInteractivity: true,
  fontFamily: "'Segoe UI', system-ui, sans-serif",
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  separator: { lineThickness: 1, lineColor: '#E1DFDD' },
  fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 200, default: 400, bolder: 600 },
  imageSizes: { small: 32, medium: 52, large: 160 },
  inputs: { label: { inputSpacing: 'small', requiredInputs: { suffix: ' *' } }, errorMessage: { spacing: 'small' } },
  actions: {
    maxActions: TEAMS_MAX_ACTIONS,
    spacing: 'default',
    buttonSpacing: 8,
    showCard: { actionMode: 'inline', inlineTopMargin: 16 },
    actionsOrientation: 'horizontal',
    actionAlignment: 'stretch',
  },
  adaptiveCard: { allowCustomStyle: false },
} as const;
