// Management notifications: channels (webhook, e-mail) and the delivery activity.
export {
  createNotificationActivities,
  raiseNotification,
  deliveryPolicy,
  NOTIFICATION_FAILURE,
  type NotificationActivities,
  type NotificationActivityDeps,
  type NotificationRequest,
  type RaisedNotification,
  type DeliveryPolicy,
} from './activities';
export { createWebhookChannel, createEmailChannel, DeliveryError, type DeliveryChannel, type OutgoingNotification } from './channels';
