import type { TableKind } from '../../../lab/types';
import { dhcpdLanguage } from './dhcpd';
import { hostsLanguage } from './hosts';
import { neighboursLanguage } from './neighbours';
import { routesLanguage } from './routes';
import type { TableLanguage } from './types';
import { zoneLanguage } from './zone';

export type { TableLanguage, KeywordDoc } from './types';

export const TABLE_LANGUAGES: Record<TableKind, TableLanguage> = {
  routes: routesLanguage,
  arp: neighboursLanguage,
  hosts: hostsLanguage,
  zone: zoneLanguage,
  dhcpd: dhcpdLanguage,
};
