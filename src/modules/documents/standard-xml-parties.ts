/**
 * Party sections of TaxInvoiceTradeSettlement (NTS.md §1.1; element order as OpenETaxBill Writer.cs):
 * ID, TypeCode (업태), NameText, ClassificationCode (종목), SpecifiedOrganization, SpecifiedPerson,
 * contact(s), SpecifiedAddress.
 */
import { BUYER_ID_TYPE_CODES, type BusinessParty, type BuyerContact, type BuyerParty, type PartyContact } from './model.ts';
import { group, leaf, required, type XmlNode } from './xml-node.ts';

function contactNode(name: string, contact: PartyContact | BuyerContact | undefined): XmlNode | undefined {
  if (!contact) return undefined;
  return group(name, [
    leaf('DepartmentNameText', contact.department),
    leaf('PersonNameText', contact.name),
    leaf('TelephoneCommunication', contact.tel),
    leaf('URICommunication', contact.email),
  ]);
}

function addressNode(address: string | undefined): XmlNode | undefined {
  return group('SpecifiedAddress', [leaf('LineOneText', address)]);
}

/** InvoicerParty (공급자) or BrokerParty (수탁자). */
export function businessPartyNode(name: 'InvoicerParty' | 'BrokerParty', party: BusinessParty): XmlNode {
  return required(name, [
    leaf('ID', party.bizno),
    leaf('TypeCode', party.businessType),
    leaf('NameText', party.name),
    leaf('ClassificationCode', party.businessItem),
    group('SpecifiedOrganization', [leaf('TaxRegistrationID', party.subBizno)]),
    group('SpecifiedPerson', [leaf('NameText', party.ceoName)]),
    contactNode('DefinedContact', party.contact),
    addressNode(party.address),
  ]);
}

/**
 * InvoiceeParty (공급받는자). BusinessTypeCode is always emitted (INV144). SpecifiedPerson/NameText is
 * required (INV134): individuals without a 대표자 get their own name there.
 */
export function invoiceePartyNode(buyer: BuyerParty): XmlNode {
  return required('InvoiceeParty', [
    leaf('ID', buyer.id),
    leaf('TypeCode', buyer.businessType),
    leaf('NameText', buyer.name),
    leaf('ClassificationCode', buyer.businessItem),
    group('SpecifiedOrganization', [leaf('TaxRegistrationID', buyer.subBizno), leaf('BusinessTypeCode', BUYER_ID_TYPE_CODES[buyer.idType])]),
    group('SpecifiedPerson', [leaf('NameText', buyer.ceoName ?? buyer.name)]),
    contactNode('PrimaryDefinedContact', buyer.contacts?.[0]),
    contactNode('SecondaryDefinedContact', buyer.contacts?.[1]),
    addressNode(buyer.address),
  ]);
}
