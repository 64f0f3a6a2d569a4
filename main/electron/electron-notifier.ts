import { Notification } from 'electron';
import type { Notifier } from '../notifications/notification-center';

/** The desktop's own notifications, where the OS has them. */
export const electronNotifier: Notifier = {
  show({ title, body }) {
    if (Notification.isSupported()) new Notification({ title, body }).show();
  },
};
