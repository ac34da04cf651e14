// Every page of the product in one table: the navigation and the router both read it, so a page is
// added by adding one entry here (see docs/ui.md).
import { html } from './html.js';
import { Unavailable } from './components/panel.js';
import { ArchivesPage } from './pages/archives.js';
import { ActivityPage } from './pages/activity.js';
import { BackupPage } from './pages/backup.js';
import { DashboardPage } from './pages/dashboard.js';
import { ProfilePage } from './pages/profile.js';
import { RepositoriesPage } from './pages/repositories.js';
import { TokensPage } from './pages/tokens.js';
import { UsersPage } from './pages/users.js';

/** A page that is planned but not built: an honest panel naming what will come. */
function planned(title, summary, plans) {
  return () => html`<${Unavailable} title=${title} summary=${summary} plans=${plans} />`;
}

export const SECTIONS = [
  {
    label: 'Backups',
    pages: [
      { path: '/', title: 'Dashboard', role: 'viewer', component: DashboardPage },
      { path: '/repositories', title: 'Repositories', role: 'viewer', component: RepositoriesPage },
      { path: '/backup', title: 'Backup', role: 'viewer', component: BackupPage },
      { path: '/archives', title: 'Archives', role: 'viewer', component: ArchivesPage },
      {
        path: '/schedules', title: 'Schedules', role: 'viewer',
        component: planned('Schedules', 'Backups that run by themselves.', [
          'run backups on a cron schedule',
          'follow each backup with prune, compact and check',
          'see every run and be told when a backup is overdue',
        ]),
      },
    ],
  },
  {
    label: 'Connections',
    pages: [
      {
        path: '/ssh', title: 'SSH', role: 'viewer',
        component: planned('SSH', 'Keys and remote hosts for repositories over SSH.', [
          'generate or import SSH keys and copy their public half',
          'add connections to hosts such as a Hetzner Storage Box or BorgBase',
          'confirm a host key fingerprint on first use; a changed key is refused',
        ]),
      },
      {
        path: '/notifications', title: 'Notifications', role: 'viewer',
        component: planned('Notifications', 'Be told when something needs attention.', [
          'add targets for any Apprise channel (mail, chat, push)',
          'choose which events notify whom: failures, overdue backups, successes',
          'send a test message and see the delivery history',
        ]),
      },
      { path: '/activity', title: 'Activity', role: 'viewer', component: ActivityPage },
    ],
  },
  {
    label: 'Settings',
    pages: [
      { path: '/settings/profile', title: 'Profile', role: 'viewer', component: ProfilePage },
      { path: '/settings/users', title: 'Users', role: 'admin', component: UsersPage },
      { path: '/settings/tokens', title: 'API tokens', role: 'viewer', component: TokensPage },
    ],
  },
];

export const PAGES = SECTIONS.flatMap((section) => section.pages);
