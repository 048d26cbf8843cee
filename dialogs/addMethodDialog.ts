// "Add a method": the same method choice as registration, for someone who already meets the policy (or wants a
// further method); the machine refuses kinds that cannot be added and says why.
import type { Reply } from '../src/domain/effects';
import type { User } from '../src/domain/user';
import { reply } from '../src/domain/effects';
import { RegistrationDialog } from './registrationDialog';
import { DIALOG_IDS } from './kit/dialogIds';
import type { DialogServices } from './kit/dialogServices';

export class AddMethodDialog extends RegistrationDialog {
  constructor(services: DialogServices) {
    super(services, DIALOG_IDS.addMethod, 'add');
  }

  protected override refuseStart(user: User): Reply | null {
    return this.services.progress(user).choosable.length === 0 ? reply('teams.add.nothingLeft') : null;
  }

  protected override helpKey(): string {
    return 'help.steps.addMethod';
  }
}
