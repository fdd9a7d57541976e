// @vitest-environment happy-dom
import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import DecisionForm from '../DecisionForm.vue';

let wrapper: VueWrapper | undefined;
function mountForm(props: Record<string, unknown> = {}) {
  wrapper = mount(DecisionForm, { props, attachTo: document.body });
  return wrapper;
}
afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
});

const key = (k: string, extra: KeyboardEventInit = {}) => window.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, ...extra }));

describe('DecisionForm', () => {
  it('approves with an optional note', async () => {
    const w = mountForm();
    await w.get('[data-testid="decision-approve"]').setValue(true);
    await w.get('#decision-note').setValue('  customer confirmed  ');
    expect(w.get('[data-testid="decision-submit"]').text()).toBe('Approve transaction');
    await w.get('form').trigger('submit');
    expect(w.emitted('submit')).toEqual([[{ decision: 'approve', note: 'customer confirmed' }]]);
  });

  it('requires a note to escalate or block, and says so without sending anything', async () => {
    const w = mountForm();
    await w.get('[data-testid="decision-escalate"]').setValue(true);
    expect(w.get('label[for="decision-note"]').text()).toBe('Note (required to escalate)');
    await w.get('form').trigger('submit');
    expect(w.get('[data-testid="decision-problem"]').text()).toBe('A note is required to escalate.');
    expect(w.emitted('submit')).toBeUndefined();

    await w.get('#decision-note').setValue('needs a senior');
    await w.get('form').trigger('submit');
    expect(w.emitted('submit')).toEqual([[{ decision: 'escalate', note: 'needs a senior' }]]);
  });

  it('asks for confirmation before blocking; cancel sends nothing, confirm sends the block', async () => {
    const w = mountForm();
    await w.get('[data-testid="decision-block"]').setValue(true);
    await w.get('#decision-note').setValue('card reported stolen');
    await w.get('form').trigger('submit');
    expect(w.get('[data-testid="block-confirmation"]').attributes('role')).toBe('alertdialog');
    expect(w.emitted('submit')).toBeUndefined();

    await w.get('[data-testid="block-confirmation"] button.secondary').trigger('click');
    expect(w.find('[data-testid="block-confirmation"]').exists()).toBe(false);
    expect(w.emitted('submit')).toBeUndefined();

    await w.get('form').trigger('submit');
    await w.get('[data-testid="confirm-block"]').trigger('click');
    expect(w.emitted('submit')).toEqual([[{ decision: 'block', note: 'card reported stolen' }]]);
  });

  it('takes keyboard shortcuts: A/B/E choose (not while typing), Ctrl+Enter submits, Escape cancels the confirmation', async () => {
    const w = mountForm();
    key('e');
    await w.vm.$nextTick();
    expect((w.get('[data-testid="decision-escalate"]').element as HTMLInputElement).checked).toBe(true);
    // typing a note that contains "a" does not switch to approve
    const note = w.get('#decision-note');
    (note.element as HTMLTextAreaElement).focus();
    await note.setValue('a note');
    note.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true }));
    await w.vm.$nextTick();
    expect((w.get('[data-testid="decision-escalate"]').element as HTMLInputElement).checked).toBe(true);
    note.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
    await w.vm.$nextTick();
    expect(w.emitted('submit')).toEqual([[{ decision: 'escalate', note: 'a note' }]]);

    (note.element as HTMLTextAreaElement).blur();
    key('b');
    await w.vm.$nextTick();
    key('Enter', { ctrlKey: true });
    await w.vm.$nextTick();
    expect(w.find('[data-testid="block-confirmation"]').exists()).toBe(true);
    key('Escape');
    await w.vm.$nextTick();
    expect(w.find('[data-testid="block-confirmation"]').exists()).toBe(false);
    expect(w.emitted('submit')).toHaveLength(1);
  });

  it("shows the server's refusal as an alert and its acceptance as a status, clearing the form once accepted", async () => {
    const w = mountForm();
    await w.get('[data-testid="decision-approve"]').setValue(true);
    await w.get('#decision-note').setValue('fine');
    await w.setProps({ answer: { ok: false, message: 'Refused: role analyst may not decide this case: it needs senior_analyst' } });
    const refusal = w.get('[data-testid="decision-answer"]');
    expect(refusal.attributes('role')).toBe('alert');
    expect(refusal.text()).toContain('it needs senior_analyst');
    expect((w.get('#decision-note').element as HTMLTextAreaElement).value).toBe('fine');

    await w.setProps({ answer: { ok: true, message: 'Case approved and closed by baraka.' } });
    expect(w.get('[data-testid="decision-answer"]').attributes('role')).toBe('status');
    expect((w.get('#decision-note').element as HTMLTextAreaElement).value).toBe('');
  });

  it('locks everything while a decision is being recorded and offers only the allowed actions', async () => {
    const w = mountForm({ pending: true, allowed: ['approve', 'escalate'] });
    expect(w.get('fieldset').attributes('disabled')).toBeDefined();
    expect(w.get('[data-testid="decision-submit"]').text()).toBe('Recording…');
    await w.setProps({ pending: false });
    expect(w.get('[data-testid="decision-block"]').attributes('disabled')).toBeDefined();
    key('b');
    await w.vm.$nextTick();
    expect((w.get('[data-testid="decision-block"]').element as HTMLInputElement).checked).toBe(false);
  });
});
