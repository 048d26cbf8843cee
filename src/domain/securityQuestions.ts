// The questions a person may choose from; their wording lives in locales under `questions.<id>`.
export const SECURITY_QUESTION_IDS = [
  'firstPetName',
  'birthCity',
  'firstSchool',
  'childhoodBestFriend',
  'favouriteTeacher',
  'firstConcert',
  'grandmotherFirstName',
  'childhoodStreet',
  'firstCarModel',
  'favouriteBook',
  'parentsMeetingCity',
  'childhoodNickname',
] as const;

export type SecurityQuestionId = (typeof SECURITY_QUESTION_IDS)[number];
