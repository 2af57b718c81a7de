import './styles.css';
import { BOOTSTRAP_ELEMENT_ID, type CheckoutBootstrap } from '../../shared/contracts/checkout';
import { mountCheckout } from './checkout-form';

const data = document.getElementById(BOOTSTRAP_ELEMENT_ID)?.textContent;
const root = document.getElementById('checkout-root');
if (data && root) mountCheckout(root, JSON.parse(data) as CheckoutBootstrap);
