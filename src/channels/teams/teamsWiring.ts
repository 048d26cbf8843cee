// Builds the Teams channel's use cases (src/app/) from the repositories and core services the root picked, so the
// bot and its tests are handed use cases, never stores.
import { AnswerSignInCard } from '../../app/answerSignInCard';
import { ChooseLanguage } from '../../app/chooseLanguage';
import { RecognisePerson } from '../../app/recognisePerson';
import { RememberConversation } from '../../app/rememberConversation';
import type { EnrollmentService } from '../../enrollment/enrollmentService';
import type { Clock } from '../../ports/clock';
import type { Stores } from '../../ports/repositories';
import type { VerificationService } from '../../verification/verificationService';
import type { TeamsUseCases } from './signetBot';

export interface TeamsUseCaseDeps {
  readonly stores: Pick<Stores, 'users' | 'conversations' | 'challenges'>;
  readonly enrollment: Pick<EnrollmentService, 'ensureUser'>;
  readonly verification?: Pick<VerificationService, 'apply'>;
  readonly clock: Clock;
}

export function createTeamsUseCases(deps: TeamsUseCaseDeps): TeamsUseCases {
  const { stores, clock } = deps;
  return {
    people: new RecognisePerson({ users: stores.users, enrollment: deps.enrollment, clock }),
    conversations: new RememberConversation({ conversations: stores.conversations, clock }),
    languages: new ChooseLanguage({ users: stores.users, clock }),
    ...(deps.verification ? { signIns: new AnswerSignInCard({ challenges: stores.challenges, verification: deps.verification, clock }) } : {}),
  };
}
