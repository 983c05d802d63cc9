/** Notifications: message composition, delivery channels, calendar invitations and the activities that use them. */
export * from './message';
export * from './channels';
export * from './calendar';
export * from './activities';
